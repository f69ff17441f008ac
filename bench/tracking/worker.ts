export { PlainBench, TrackedBench, DurableHelperBench } from './workflows.js';
export { WorkflowTracker } from '../../src/index.js';

export default {
  async fetch(): Promise<Response> {
    return new Response('flowflare tracking benchmark');
  },
} satisfies ExportedHandler<Cloudflare.Env>;
