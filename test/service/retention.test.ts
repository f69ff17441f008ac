import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { RunDetailResult, StartResult } from '../../src/index.js';
import worker from '../fixtures/worker.js';
import { eventually, followedToEnd, recordedAs, rows } from '../helpers.js';
import { apiJson, post, unique } from './api.js';

const DAY = 86_400_000;

/** Runs the service's scheduled handler as the cron would, at `at` (the test moves time by choosing it). */
async function cronAt(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: '*/15 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function startPlain(refId: string, params: Record<string, unknown> = {}): Promise<string> {
  const started = await post<StartResult>('/api/runs', { workflow: 'plain', params, ref_type: 'retention', ref_id: refId });
  expect(started.status).toBe(201);
  return started.body.workflowId;
}

describe('retention: the scheduled handler prunes finished runs and keeps everything else true', () => {
  it('deletes completed runs past 90 days with their steps, attempts and events, keeps unfinished ones and the counts true', async () => {
    const refId = unique('ret');
    const done = [await startPlain(refId), await startPlain(refId)];
    const waiting = await startPlain(refId, { waitFor: 'never' });
    for (const id of done) await followedToEnd(id);
    await recordedAs(waiting, 'Waiting');
    const workflowId = (await rows<{ id: number }>("SELECT id FROM workflow WHERE name = 'plain' AND ref_type = 'retention' AND ref_id = ?", refId))[0]!.id;
    expect((await rows('SELECT 1 FROM workflow_steps WHERE run_id = ?', done[0])).length).toBeGreaterThan(0);

    // 89 days on: nothing is old enough
    await cronAt(Date.now() + 89 * DAY);
    expect((await apiJson(`/api/runs/${done[0]}`)).status).toBe(200);

    // 91 days on: both completed runs go, everything recorded of them with them; the waiting run stays
    await cronAt(Date.now() + 91 * DAY);
    for (const id of done) {
      expect((await apiJson(`/api/runs/${id}`)).status).toBe(404);
      for (const table of ['workflow_steps', 'workflow_step_retries', 'workflow_events', 'workflow_run_metadata', 'workflow_run_cursors']) {
        expect(await rows(`SELECT 1 FROM ${table} WHERE run_id = ?`, id), `${table} of ${id}`).toEqual([]);
      }
    }
    const kept = await apiJson<RunDetailResult>(`/api/runs/${waiting}`);
    expect(kept.status).toBe(200);
    expect(kept.body.status).toBe('Waiting');
    const [workflow] = await rows<{ run_count: number; last_run_id: string }>('SELECT run_count, last_run_id FROM workflow WHERE id = ?', workflowId);
    expect(workflow).toEqual({ run_count: 1, last_run_id: waiting });
    // the engine still has the waiting run; send its event so the test leaves nothing running
    await post(`/api/runs/${waiting}/terminate`, {});
  });

  it('keeps a run for ever when its outcome is set to false, and trims the live event log separately', async () => {
    // test/fixtures/worker.ts keeps errored runs for ever ({ errored: false })
    const refId = unique('err');
    const errored = await startPlain(refId, { throwAtEnd: true });
    await followedToEnd(errored);
    const before = await rows<{ n: number }>('SELECT count(*) AS n FROM workflow_events WHERE run_id = ?', errored);
    expect(before[0]!.n).toBeGreaterThan(0);
    await cronAt(Date.now() + 400 * DAY);
    expect((await apiJson<RunDetailResult>(`/api/runs/${errored}`)).body.status).toBe('Errored');
    // its events are past the 30-day log retention: gone from the live log, while its steps stay
    expect(await rows('SELECT 1 FROM workflow_events WHERE run_id = ?', errored)).toEqual([]);
    expect((await rows('SELECT 1 FROM workflow_steps WHERE run_id = ?', errored)).length).toBeGreaterThan(0);
  });
});

describe('reconciliation: stalled runs are checked against the engine', () => {
  it('repairs a record that says Running when the engine finished the run', async () => {
    const id = await startPlain(unique('rec'));
    await followedToEnd(id);
    // a record left behind (a lost write outside Flowflare's control), with its cursor reset too
    await env.DB.batch([
      env.DB.prepare("UPDATE workflow_runs SET status = 'Running', completed_at = NULL, updated_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").bind(id),
      env.DB.prepare('DELETE FROM workflow_run_cursors WHERE run_id = ?').bind(id),
    ]);
    // the engine has the run complete; the sweep brings the record back to what the engine says
    expect((await (await env.PLAIN.get(id)).status()).status).toBe('complete');
    await cronAt(Date.now());
    await eventually(async () => (await apiJson<RunDetailResult>(`/api/runs/${id}`)).body.status === 'Completed');
  });

  it('closes a run the engine no longer knows, with the reason, instead of leaving it Running', async () => {
    const id = unique('gone');
    const workflowId = (await rows<{ id: number }>("SELECT id FROM workflow WHERE name = 'plain' LIMIT 1"))[0]!.id;
    await env.DB.prepare(
      "INSERT INTO workflow_runs (id, workflow_id, workflow_name, status, created_at, updated_at) VALUES (?, ?, 'plain', 'Running', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    )
      .bind(id, workflowId)
      .run();
    await cronAt(Date.now());
    const run = await eventually(async () => {
      const detail = (await apiJson<RunDetailResult>(`/api/runs/${id}`)).body;
      return detail.status === 'Errored' ? detail : null;
    });
    expect(run.error).toMatchObject({ name: 'InstanceGone', message: expect.stringContaining(`no longer has instance '${id}'`) });
  });
});
