import { inject } from 'vitest';
import { WorkflowClient, type RunDetailResult, type RunStatus } from '../../../src/client/index.js';
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
export async function mintToken(topic: unknown = 'all'): Promise<string> {
  const response = await fetch(`${serviceUrl()}/api/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ topic }),
  });
  if (response.status !== 201) throw new Error(`POST /api/tokens answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}
