import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';

export { WorkflowTracker } from '../../src/index.js';

/** Steps per run of the ingestion benchmark; one step fails once, so its history has a retry. */
export const STEPS = 10;

/** A plain workflow with no Flowflare code: its records come from the engine's events only. */
export class IngestBench extends WorkflowEntrypoint<Cloudflare.Env, object> {
  override async run(_event: WorkflowEvent<object>, step: WorkflowStep) {
    let sum = 0;
    for (let i = 0; i < STEPS; i++) {
      sum += await step.do(`s${i}`, { retries: { limit: 2, delay: 1, backoff: 'constant' } }, async (ctx) => {
        if (i === 0 && ctx.attempt === 1) throw new Error('first attempt fails');
        return i;
      });
    }
    return sum;
  }
}

export default {
  async fetch(): Promise<Response> {
    return new Response('flowflare ingestion benchmark');
  },
} satisfies ExportedHandler<Cloudflare.Env>;
