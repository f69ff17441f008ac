import { inject } from 'vitest';
import { WorkflowClient, type RunDetailResult, type RunStatus, type TopicQuery } from '../../../src/client/index.js';
import { TEST_API_KEY } from './paths.js';

/** The example service's base URL. */
export function serviceUrl(): string {
  return inject('serviceUrl');
}

/** A client of the example service, as another app would use it. */
export function serviceClient(): WorkflowClient {
  return new WorkflowClient({ baseUrl: serviceUrl(), apiKey: TEST_API_KEY });
}

/** Polls until a run reaches one of `statuses`. */
export async function waitForRun(client: WorkflowClient, id: string, statuses: RunStatus[], timeoutMs = 30_000): Promise<RunDetailResult> {
  const deadline = Date.now() + timeoutMs;
  let run: RunDetailResult;
  do {
    run = await client.getRun(id);
    if (statuses.includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`run ${id} did not reach ${statuses.join('/')}; it is ${run.status}`);
}

/** Mints a subscription token with the API key, as an app's backend would for its browser. */
export async function mintToken(topic: TopicQuery = 'all'): Promise<string> {
  return (await serviceClient().createSubscriptionToken(topic)).token;
}
