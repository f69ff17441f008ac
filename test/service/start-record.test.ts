import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { StartResult } from '../../src/index.js';
import type { FlowflareError } from '../../src/shared/errors.js';
import { BOOTSTRAP_CALLER } from '../../src/service/access.js';
import { resolveOptions } from '../../src/service/options.js';
import { startRun } from '../../src/service/start.js';
import { flakyDb } from '../fixtures/flaky-db.js';
import { eventually, rows, waitForInstance } from '../helpers.js';
import { post, unique } from './api.js';

describe("a start's record", () => {
  it('is on D1 when the start answers: the run, its workflow, its count and the audit entry', async () => {
    const ref = unique('rec');
    const { status, body } = await post<StartResult>('/api/runs', { workflow: 'plain', params: { note: 'n' }, ref_type: 'order', ref_id: ref, metadata: { by: 'ana' } });
    expect(status).toBe(201);
    const [run] = await rows<{ workflow_id: number; status: string; input_params: string }>('SELECT workflow_id, status, input_params FROM workflow_runs WHERE id = ?', body.workflowId);
    expect(run?.workflow_id).toBe(body.run.workflow_id);
    expect(JSON.parse(run!.input_params)).toEqual({ note: 'n', ref_id: ref, ref_type: 'order' });
    expect(await rows("SELECT id, run_count FROM workflow WHERE name = 'plain' AND ref_type = 'order' AND ref_id = ?", ref)).toEqual([{ id: body.run.workflow_id, run_count: 1 }]);
    expect(await rows('SELECT action, actor FROM audit_log WHERE run_id = ?', body.workflowId)).toEqual([{ action: 'start', actor: 'SERVICE_API_KEY' }]);
    // and the engine has the instance
    expect(['queued', 'running', 'complete']).toContain((await (await env.PLAIN.get(body.workflowId)).status()).status);
  });

  it("that D1 refuses twice is recorded by the run's follower with what the start knew; the start says so with a 503", async () => {
    const ref = unique('outage');
    const outage = { ...env, DB: flakyDb(env.DB, 2) };
    const input = { workflow: 'plain', params: { n: 1 }, ref_type: 'order', ref_id: ref, metadata: { by: 'bo' } };
    const refused = await startRun(outage, input, resolveOptions(), BOOTSTRAP_CALLER).then(
      () => null,
      (error: unknown) => error as FlowflareError,
    );
    expect(refused?.code).toBe('TRACKING_FAILED');
    expect(refused?.status).toBe(503);
    expect(refused?.message).toContain('its follower records it from the engine. Do not start it again.');
    const id = /Run '([^']+)' started/.exec(refused?.message ?? '')?.[1];
    // the instance runs, and its record comes from its follower, with what only the start knew
    await waitForInstance(await env.PLAIN.get(id!), ['complete']);
    const run = await eventually(async () => {
      const [row] = await rows<{ status: string; metadata: string; input_params: string; ref_id: string; created_at: string; updated_at: string }>('SELECT * FROM workflow_runs WHERE id = ?', id);
      return row?.status === 'Completed' ? row : null;
    });
    expect(JSON.parse(run.metadata)).toEqual({ by: 'bo' });
    expect(JSON.parse(run.input_params)).toEqual({ n: 1, ref_id: ref, ref_type: 'order' });
    expect(run.updated_at >= run.created_at).toBe(true);
    expect(await rows('SELECT action FROM audit_log WHERE run_id = ?', id)).toEqual([{ action: 'start' }]);
    const [workflow] = await rows<{ run_count: number; metadata: string }>("SELECT run_count, metadata FROM workflow WHERE name = 'plain' AND ref_type = 'order' AND ref_id = ?", ref);
    expect(workflow?.run_count).toBe(1);
    expect(JSON.parse(workflow!.metadata)).toEqual({ by: 'bo' });
    const ends = await rows("SELECT id FROM workflow_events WHERE run_id = ? AND kind = 'run' AND json_extract(data, '$.status') = 'Completed'", id);
    expect(ends).toHaveLength(1);
  });

  it('that D1 refuses, on a service without followers, is a 503 that says nothing will record it', async () => {
    const outage = { ...env, DB: flakyDb(env.DB, 2), WORKFLOW_TRACKER: undefined };
    const refused = await startRun(outage, { workflow: 'plain', params: {} }, resolveOptions(), BOOTSTRAP_CALLER).then(
      () => null,
      (error: unknown) => error as FlowflareError,
    );
    expect(refused?.code).toBe('TRACKING_FAILED');
    expect(refused?.message).toContain('no follower took it');
  });
});
