import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { StartResult } from '../../src/index.js';
import { eventually, followedToEnd, rows, waitForInstance } from '../helpers.js';
import { post, unique } from '../service/api.js';
import { recorded } from './plain-runs.js';

const follower = (runId: string) => env.WORKFLOW_TRACKER.get(env.WORKFLOW_TRACKER.idFromName(`follow:${runId}`));

describe('the follower under faults', () => {
  it('marks a run whose instance was never created (a start that crashed after its record) as failed to start', async () => {
    const id = unique('phantom');
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    // what a start leaves behind when the Worker dies between the D1 write and create()
    await env.DB.batch([
      env.DB.prepare("INSERT INTO workflow (name, created_at, updated_at) VALUES ('plain', ?, ?) ON CONFLICT DO NOTHING").bind(minuteAgo, minuteAgo),
      env.DB.prepare(
        "INSERT INTO workflow_runs (id, workflow_id, workflow_name, status, created_at, updated_at) SELECT ?, id, 'plain', 'Queued', ?, ? FROM workflow WHERE name = 'plain' AND ref_type IS NULL AND ref_id IS NULL",
      ).bind(id, minuteAgo, minuteAgo),
    ]);
    await follower(id).follow({ runId: id, workflowName: 'plain', binding: 'PLAIN' });
    const run = await eventually(async () => {
      const r = await recorded(id);
      return r.status === 'Errored' ? r : null;
    });
    expect(run.error).toMatchObject({ name: 'StartFailed' });
    expect(run.error?.message).toMatch(/never created/);
    expect(run.completed_at).toBeTruthy();
  });

  it('a follower that lost its state mid-run resumes from the stored cursor: nothing lost, nothing twice', async () => {
    const { body } = await post<StartResult>('/api/runs', { workflow: 'plain', params: { failTimes: 1, waitFor: 'go' } });
    const id = body.workflowId;
    await eventually(async () => (await recorded(id)).status === 'Waiting');
    const before = await rows<{ n: number }>('SELECT count(*) AS n FROM workflow_events WHERE run_id = ?', id);
    // the follower object forgets everything (as after losing its storage): no record, no alarm
    await runInDurableObject(follower(id), async (_instance, state) => {
      await state.storage.deleteAlarm();
      await state.storage.deleteAll();
    });
    // sending the event through the service asks the follower again; it starts from D1's cursor
    expect((await post(`/api/runs/${id}/events`, { type: 'go', payload: { by: 'ops' } })).status).toBe(200);
    const instance = await env.PLAIN.get(id);
    await waitForInstance(instance, ['complete', 'errored']);
    await followedToEnd(id);
    const run = await recorded(id);
    expect(run.status).toBe('Completed');
    expect(run.output_result).toEqual((await instance.status()).output);
    expect(run.steps.map((s) => [s.step_name, s.status, s.attempts])).toEqual([
      ['fetch', 'Completed', 1],
      ['flaky', 'Completed', 2],
      ['decision', 'Completed', 0],
    ]);
    // the events recorded before the reset are not recorded again
    const events = await rows<{ entity: string; content_key: string }>('SELECT entity, content_key FROM workflow_events WHERE run_id = ?', id);
    expect(new Set(events.map((e) => `${e.entity} ${e.content_key}`)).size).toBe(events.length);
    expect(events.length).toBeGreaterThan(before[0]!.n);
    expect(await rows<{ n: number }>("SELECT count(*) AS n FROM workflow_step_retries WHERE run_id = ? AND step_name = 'flaky'", id)).toEqual([{ n: 2 }]);
  });

  it('a TrackedWorkflow stores step outputs as the values returned, once encoded', async () => {
    const { body } = await post<StartResult>('/api/runs', { workflow: 'order', params: {} });
    await waitForInstance(await env.ORDER.get(body.workflowId), ['complete', 'errored']);
    await followedToEnd(body.workflowId);
    const run = await recorded(body.workflowId);
    expect(run.steps.find((s) => s.step_name === 'reserve')?.output_result).toEqual({ reserved: true });
    expect(run.output_result).toMatchObject({ reserved: { reserved: true }, shipped: { shipped: true } });
  });
});
