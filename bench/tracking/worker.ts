export { PlainBench, TrackedBench, DurableHelperBench } from './workflows.js';

export default {
  async fetch(): Promise<Response> {
    return new Response('flowflare tracking benchmark');
  },
} satisfies ExportedHandler<Cloudflare.Env>;
