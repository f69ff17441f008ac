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

/**
 * True when `actual` is `expected` with some entries left out, in the same order: what a live log
 * of folded batches shows of a run (each batch records each entity once, never a step backwards).
 */
export function isSubsequence(actual: readonly string[], expected: readonly string[]): boolean {
  let i = 0;
  for (const item of expected) if (actual[i] === item) i++;
  return i === actual.length;
}

/** Waits until the run's record has caught up with the engine's status. */
export async function recordedAs(id: string, status: string): Promise<void> {
  await eventually(async () => (await rows('SELECT 1 FROM workflow_runs WHERE id = ? AND status = ?', id, status)).length > 0);
}

/** Waits until a run's follower has recorded the engine's last event of the run (its end). */
export async function followedToEnd(id: string): Promise<void> {
  await eventually(async () => {
    const mark = await env.DB.prepare('SELECT mark FROM workflow_run_cursors WHERE run_id = ?').bind(id).first<string>('mark');
    return mark !== null && /^workflow_(completed|errored|terminated)@/.test(mark);
  });
}
