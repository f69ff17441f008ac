import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CreatedApiKey, StartResult, StatusCounts } from '../../src/index.js';
import { countRunsStatement, explainQueryPlan, type RunFilters } from '../../src/store/queries.js';
import worker from '../fixtures/worker.js';
import { followedToEnd, recordedAs, rows } from '../helpers.js';
import { api, apiJson, post, unique } from './api.js';

const DAY = 86_400_000;

async function cronAt(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: '*/15 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function start(workflow: string, refType: string | null, params: Record<string, unknown> = {}): Promise<string> {
  const started = await post<StartResult>('/api/runs', { workflow, params, ...(refType ? { ref_type: refType, ref_id: unique('obj') } : {}) });
  expect(started.status).toBe(201);
  return started.body.workflowId;
}

/** Every counter equals a COUNT(*) over the runs it counts, across the whole database. */
async function expectCountersTrue(): Promise<void> {
  const counted = await rows(
    "SELECT workflow_name, ifnull(ref_type, '') AS ref_type, status, count(*) AS n FROM workflow_runs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
  );
  const kept = await rows('SELECT workflow_name, ref_type, status, n FROM workflow_run_counts WHERE n <> 0 ORDER BY 1, 2, 3');
  expect(kept).toEqual(counted);
}

/** What GET /api/runs/counts answers, against a COUNT(*) of the runs of one ref_type. */
async function expectCountsOf(refType: string, expected: Partial<Record<string, number>>): Promise<void> {
  const { status, body } = await apiJson<StatusCounts>(`/api/runs/counts?ref_type=${refType}`);
  expect(status).toBe(200);
  const scanned = await rows<{ status: string; n: number }>('SELECT status, count(*) AS n FROM workflow_runs WHERE ref_type = ? GROUP BY status', refType);
  const nonZero = Object.fromEntries(Object.entries(body.counts).filter(([, n]) => n > 0));
  expect(nonZero).toEqual(Object.fromEntries(scanned.map((r) => [r.status, r.n])));
  expect(nonZero).toEqual(expected);
  expect(body.total).toBe(scanned.reduce((a, r) => a + r.n, 0));
}

describe('run counts come from counters kept in the same write as the runs', () => {
  it('stay equal to COUNT(*) through starts, engine status changes, retention, import and a terminate', async () => {
    const refType = unique('cnt');
    const done = await start('plain', refType);
    const failed = await start('plain', refType, { throwAtEnd: true });
    const waiting = await start('plain', refType, { waitFor: 'never' });
    await start('plain', null); // no ref_type: counted under the workflow alone
    await followedToEnd(done);
    await followedToEnd(failed);
    await recordedAs(waiting, 'Waiting');
    await expectCountsOf(refType, { Completed: 1, Errored: 1, Waiting: 1 });
    await expectCountersTrue();

    // retention deletes the completed run (errored runs are kept for ever in the test service)
    const exported = await (await api(`/api/export?ref_type=${refType}`)).text();
    await cronAt(Date.now() + 91 * DAY);
    expect((await api(`/api/runs/${done}`)).status).toBe(404);
    await expectCountsOf(refType, { Errored: 1, Waiting: 1 });
    await expectCountersTrue();

    // the export restores it; runs still recorded are skipped and counted once
    const restored = await api('/api/import', { method: 'POST', body: exported, headers: { 'Content-Type': 'application/x-ndjson' } });
    expect(await restored.json()).toEqual({ runs: 3, restored: 1, skipped: 2 });
    await expectCountsOf(refType, { Completed: 1, Errored: 1, Waiting: 1 });
    await expectCountersTrue();

    // the engine ends the waiting run; its follower's write moves the count
    expect((await post(`/api/runs/${waiting}/terminate`, {})).status).toBe(200);
    expect((await (await env.PLAIN.get(waiting)).status()).status).toBe('terminated');
    await recordedAs(waiting, 'Terminated');
    await expectCountsOf(refType, { Completed: 1, Errored: 1, Terminated: 1 });
    await expectCountersTrue();
  });

  it('a scoped key counts only the workflows and ref_types it may see', async () => {
    const [mine, other] = [unique('scope'), unique('scope')];
    await start('plain', mine);
    await start('plain', mine);
    await start('plain', other);
    const scopedTo = async (scopes: Record<string, string[]>) => {
      const created = await post<CreatedApiKey>('/api/keys', { name: unique('counter'), role: 'read', scopes });
      expect(created.status).toBe(201);
      return (await apiJson<StatusCounts>('/api/runs/counts', { key: created.body.key })).body;
    };
    const totalOf = async (where: string, ...params: string[]) => (await rows<{ n: number }>(`SELECT count(*) AS n FROM workflow_runs WHERE ${where}`, ...params))[0]!.n;

    expect((await scopedTo({ ref_types: [mine] })).total).toBe(2);
    expect((await scopedTo({ ref_types: [mine, other] })).total).toBe(3);
    const byName = await scopedTo({ workflows: ['plain', 'order'] });
    expect(byName.total).toBe(await totalOf("workflow_name IN ('plain', 'order')"));
    expect((await scopedTo({ workflows: ['order'] })).total).toBe(await totalOf("workflow_name = 'order'"));
    expect((await scopedTo({ workflows: ['plain'], ref_types: [mine] })).total).toBe(2);
    expect((await scopedTo({ workflows: ['order'], ref_types: [mine] })).total).toBe(0);
    // the workflow filter within a scope, and the filters the counters cannot serve (ref_id) still count right
    const { body } = await apiJson<StatusCounts>(`/api/runs/counts?workflow=plain&ref_type=${mine}`);
    expect(body.total).toBe(2);
    const [oneRef] = await rows<{ ref_id: string }>('SELECT ref_id FROM workflow_runs WHERE ref_type = ? LIMIT 1', mine);
    expect((await apiJson<StatusCounts>(`/api/runs/counts?ref_type=${mine}&ref_id=${oneRef!.ref_id}`)).body.total).toBe(1);
  });

  it('reads the counters table, never the runs, for workflow, ref_type and scope filters', async () => {
    const served: Omit<RunFilters, 'status'>[] = [
      {},
      { workflow_name: 'plain' },
      { ref_type: 't' },
      { workflow_name: 'plain', ref_type: 't' },
      { within: { workflows: ['plain', 'order'] } },
      { within: { ref_types: ['t', 'u'] } },
      { workflow_name: 'plain', within: { ref_types: ['t', 'u'] } },
    ];
    for (const filters of served) {
      const plan = (await explainQueryPlan(env.DB, countRunsStatement(filters, ['Running', 'Completed']))).join(' | ');
      expect(plan, JSON.stringify(filters)).toMatch(/SEARCH c USING (COVERING INDEX run_counts_by_status|PRIMARY KEY)/);
      expect(plan, JSON.stringify(filters)).not.toMatch(/workflow_runs|\br\b/);
    }
    // a time range is not in the counters: it keeps the indexed count of runs
    const ranged = (await explainQueryPlan(env.DB, countRunsStatement({ since: '2030-01-01T00:00:00.000Z' }, ['Running']))).join(' | ');
    expect(ranged).toMatch(/SEARCH r USING (COVERING )?INDEX/);
  });
});
