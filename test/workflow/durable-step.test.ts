import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DurableParams } from '../fixtures/durable-workflow.js';
import { eventually, followedToEnd, isSubsequence, newId, rows, waitForInstance } from '../helpers.js';

beforeAll(async () => {
  await env.DB.prepare('CREATE TABLE IF NOT EXISTS side_effects (run_id TEXT, step TEXT)').run();
});

async function effects(id: string): Promise<Record<string, number>> {
  const list = await rows<{ step: string; n: number }>('SELECT step, count(*) AS n FROM side_effects WHERE run_id = ? GROUP BY step', id);
  return Object.fromEntries(list.map((r) => [r.step, r.n]));
}

async function start(params: DurableParams) {
  const id = newId('durable');
  return { id, instance: await env.DURABLE.create({ id, params }) };
}

describe('trackDurableStep', () => {
  it("lets Workflows retry the step and records each attempt with Workflows' attempt numbers", async () => {
    const { id, instance } = await start({ failTimes: 2, maxRetries: 2 });
    const status = await waitForInstance(instance, ['complete', 'errored']);
    expect(status.output).toEqual({ first: { prepared: true }, second: { delivered: 3 } });
    expect(await effects(id)).toEqual({ run: 1, prepare: 1, deliver: 3 });
    await followedToEnd(id);

    const steps = await rows('SELECT step_name, step_count, status, attempts, retry_count, max_retries FROM workflow_steps WHERE run_id = ? ORDER BY step_number', id);
    // the engine records the sleep between the tracked steps too
    expect(steps).toEqual([
      { step_name: 'prepare', step_count: 1, status: 'Completed', attempts: 1, retry_count: 0, max_retries: 5 },
      { step_name: 'nap', step_count: 1, status: 'Completed', attempts: 0, retry_count: 0, max_retries: null },
      { step_name: 'deliver', step_count: 1, status: 'Completed', attempts: 3, retry_count: 2, max_retries: 2 },
    ]);
    const attempts = await rows<{ attempt: number; status: string; ended_at: string; next_retry_at: string | null }>(
      "SELECT attempt, status, ended_at, next_retry_at FROM workflow_step_retries WHERE run_id = ? AND step_name = 'deliver' ORDER BY attempt",
      id,
    );
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'Failed'],
      [2, 'Failed'],
      [3, 'Completed'],
    ]);
    // linear backoff with a 20 ms base: the retries are due 20 ms and 40 ms after each failure
    const delays = attempts.filter((a) => a.next_retry_at).map((a) => Date.parse(a.next_retry_at!) - Date.parse(a.ended_at));
    expect(delays.map((d) => Math.round(d / 20))).toEqual([1, 2]);
  });

  it('fails the step for good once Workflows has used up the retries', async () => {
    const { id, instance } = await start({ failTimes: 9, maxRetries: 1 });
    const status = await waitForInstance(instance, ['errored', 'complete']);
    expect(status.status).toBe('errored');
    await followedToEnd(id);
    const [step] = await rows<Record<string, unknown>>("SELECT * FROM workflow_steps WHERE run_id = ? AND step_name = 'deliver'", id);
    expect(step).toMatchObject({ status: 'Failed', attempts: 2, retry_count: 1, next_retry_at: null });
    expect(JSON.parse(String(step?.error)).message).toContain('deliver attempt 2 failed');
  });

  it('is replay-safe: a replayed run() neither re-runs finished steps nor duplicates rows or events', async () => {
    const { id, instance } = await start({ sleepMs: 1500 });
    // Wait until the first step is recorded, then force a replay: pause + resume re-runs run()
    // from the top, with finished steps served from Workflows' cache.
    await eventually(async () => (await rows("SELECT 1 FROM workflow_steps WHERE run_id = ? AND step_name = 'prepare' AND status = 'Completed'", id)).length > 0);
    await instance.pause();
    await waitForInstance(instance, ['paused']);
    await instance.resume();
    const status = await waitForInstance(instance, ['complete', 'errored']);
    expect(status.status).toBe('complete');
    await followedToEnd(id);

    // run() really was replayed: the code outside steps ran twice, the finished step's work once.
    expect(await effects(id)).toEqual({ run: 2, prepare: 1, deliver: 1 });
    // The run's log follows the engine (sleeping, paused, sleeping again), with the status the
    // replayed run() wrote itself (updateWorkflowRun 'Running') in between.
    const runEvents = await rows<{ s: string }>("SELECT json_extract(data, '$.status') AS s FROM workflow_events WHERE run_id = ? AND kind = 'run' ORDER BY id", id);
    const statuses = runEvents.map((e) => e.s).filter((s, i, all) => s !== all[i - 1]);
    expect(isSubsequence(statuses, ['Running', 'Queued', 'Running', 'Sleeping', 'Paused', 'Running', 'Sleeping', 'Running', 'Completed']), statuses.join(', ')).toBe(true);
    expect(statuses.at(-1)).toBe('Completed');
    expect(await rows('SELECT step_name, attempts FROM workflow_steps WHERE run_id = ? ORDER BY step_number', id)).toEqual([
      { step_name: 'prepare', attempts: 1 },
      { step_name: 'nap', attempts: 0 },
      { step_name: 'deliver', attempts: 1 },
    ]);
    expect(await rows('SELECT step_name, attempt FROM workflow_step_retries WHERE run_id = ? ORDER BY id', id)).toEqual([
      { step_name: 'prepare', attempt: 1 },
      { step_name: 'deliver', attempt: 1 },
    ]);
    const stepEvents = await rows<{ step: string; status: string }>(
      "SELECT json_extract(data, '$.step_name') AS step, json_extract(data, '$.status') AS status FROM workflow_events WHERE run_id = ? AND kind = 'step' ORDER BY id",
      id,
    );
    const lines = stepEvents.map((e) => `${e.step} ${e.status}`);
    expect(new Set(lines).size).toBe(lines.length);
    expect(isSubsequence(lines, ['prepare Running', 'prepare Completed', 'nap Sleeping', 'nap Completed', 'deliver Running', 'deliver Completed']), lines.join(', ')).toBe(true);
    expect(lines.filter((l) => l.endsWith('Completed'))).toEqual(['prepare Completed', 'nap Completed', 'deliver Completed']);
  });
});
