import { env } from 'cloudflare:test';

/** Waits until a Workflow instance reaches one of `statuses`; fails with the last status seen. */
export async function waitForInstance(
  instance: WorkflowInstance,
  statuses: InstanceStatus['status'][],
  timeoutMs = 20_000,
): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: InstanceStatus | undefined;
  while (Date.now() < deadline) {
    last = await instance.status();
    if (statuses.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`instance ${instance.id} did not reach ${statuses.join('/')}; last status ${JSON.stringify(last)}`);
}

/** Polls until `check` returns a value other than undefined/null/false. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every row of a table for a run, as D1 returns them. */
export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  const { results } = await env.DB.prepare(sql).bind(...params).all<T>();
  return results;
}

/** A fresh instance id. */
export function newId(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}
