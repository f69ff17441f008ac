import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import { createWorkflowService } from '../../src/index.js';

export { WorkflowTracker } from '../../src/index.js';

/** Steps per run; one step fails once (a retry), and the run errors at its end when asked. */
export const STEPS = 5;

/** A plain workflow (no Flowflare code): its records come from the engine's events only. */
export class AlertsBench extends WorkflowEntrypoint<Cloudflare.Env, { fail?: boolean }> {
  override async run(event: WorkflowEvent<{ fail?: boolean }>, step: WorkflowStep) {
    for (let i = 0; i < STEPS; i++) {
      await step.do(`s${i}`, { retries: { limit: 2, delay: 1, backoff: 'constant' } }, async (ctx) => {
        if (i === 0 && ctx.attempt === 1) throw new Error('first attempt fails');
        return i;
      });
    }
    if (event.payload.fail) throw new Error('the bench run fails');
    return STEPS;
  }
}

/** The service: its queue handler evaluates and delivers the alerts. */
export default createWorkflowService({ alerts: { retryDelaySeconds: 1, timeoutMs: 5000 } });
