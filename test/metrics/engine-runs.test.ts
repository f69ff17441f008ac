import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { StartResult } from '../../src/index.js';
import type { MetricsReport } from '../../src/shared/metrics.js';
import { metricsSources } from '../../src/service/metrics/report.js';
import { errorRollupsStatement, runRollupsStatement, stepRollupsStatement } from '../../src/store/metrics.js';
import { explainQueryPlan } from '../../src/store/queries.js';
import { followedToEnd, recordedAs, rows } from '../helpers.js';
import { apiJson, clientValue, post, unique } from '../service/api.js';
import { exactQuantile } from './history.js';

const HOUR = 3_600_000;

async function start(refType: string, params: Record<string, unknown>): Promise<string> {
  const started = await post<StartResult>('/api/runs', { workflow: 'plain', params, ref_type: refType, ref_id: unique('r') });
  expect(started.status).toBe(201);
  return started.body.workflowId;
}

describe('metrics of real Workflows runs, followed from the engine', () => {
  it('counts runs, steps, retries and errors as the engine ran them', async () => {
    const refType = unique('mrun');
    const ok = await start(refType, {});
    const retried = await start(refType, { failTimes: 2 });
    const failed = await start(refType, { throwAtEnd: true });
    const stopped = await start(refType, { waitFor: 'never' });
    await recordedAs(stopped, 'Waiting');
    expect((await post(`/api/runs/${stopped}/terminate`, {})).status).toBe(200);
    for (const id of [ok, retried, failed, stopped]) await followedToEnd(id);

    // the engine's own word on each run
    const engine = await Promise.all([ok, retried, failed, stopped].map(async (id) => (await (await env.PLAIN.get(id)).status()).status));
    expect(engine).toEqual(['complete', 'complete', 'errored', 'terminated']);

    const now = Date.now();
    const query = `workflow=plain&ref_type=${refType}&from=${now - HOUR}&to=${now + HOUR}&bucket=minute`;
    const { status, body } = await apiJson<MetricsReport>(`/api/metrics?${query}`);
    expect(status).toBe(200);
    expect(body.totals).toMatchObject({ started: 4, completed: 2, errored: 1, terminated: 1, success_rate: 0.5 });
    expect(body.series.reduce((n, p) => n + p.completed, 0)).toBe(2);
    const recorded = await rows<{ created_at: string; completed_at: string }>(
      'SELECT created_at, completed_at FROM workflow_runs WHERE id IN (?, ?, ?, ?)',
      ok,
      retried,
      failed,
      stopped,
    );
    const durations = recorded.map((r) => Date.parse(r.completed_at) - Date.parse(r.created_at));
    for (const [q, p] of [[0.5, 'p50'], [0.99, 'p99']] as const) {
      const exact = exactQuantile(durations, q);
      expect(Math.abs(body.totals.duration_ms![p] - exact), p).toBeLessThanOrEqual(body.relative_error * exact);
    }

    const flaky = body.steps.find((s) => s.step === 'flaky')!;
    expect(flaky).toMatchObject({ workflow: 'plain', count: 4, errored: 0, attempts: 6, retries: 2 });
    expect(body.steps.find((s) => s.step === 'fetch')).toMatchObject({ count: 4, retries: 0 });
    // every finished step has its duration, from its first start to its end, however it was first
    // recorded (a fast step's start and end reach its follower in one write), and the step
    // percentiles hold every one of them
    const steps = await rows<{ step_name: string; duration_ms: number | null; started_at: string; completed_at: string }>(
      `SELECT step_name, duration_ms, started_at, completed_at FROM workflow_steps WHERE run_id IN (?, ?, ?, ?) AND status = 'Completed'`,
      ok,
      retried,
      failed,
      stopped,
    );
    expect(steps.length).toBeGreaterThanOrEqual(8);
    for (const step of steps) expect(step.duration_ms, step.step_name).toBe(Date.parse(step.completed_at) - Date.parse(step.started_at));
    const attempts = await rows<{ step_name: string; attempt: number; duration_ms: number | null; started_at: string; ended_at: string }>(
      `SELECT step_name, attempt, duration_ms, started_at, ended_at FROM workflow_step_retries WHERE run_id IN (?, ?, ?, ?) AND ended_at IS NOT NULL`,
      ok,
      retried,
      failed,
      stopped,
    );
    expect(attempts.length).toBeGreaterThanOrEqual(10);
    for (const a of attempts) expect(a.duration_ms, `${a.step_name} attempt ${a.attempt}`).toBe(Date.parse(a.ended_at) - Date.parse(a.started_at));
    const fetchDurations = steps.filter((st) => st.step_name === 'fetch').map((st) => st.duration_ms!);
    const fetchP99 = body.steps.find((s) => s.step === 'fetch')!.duration_ms;
    expect(fetchP99, 'fetch has durations in the rollups').not.toBeNull();
    expect(Math.abs(fetchP99!.p99 - exactQuantile(fetchDurations, 0.99))).toBeLessThanOrEqual(body.relative_error * exactQuantile(fetchDurations, 0.99) + 1);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'the end is near', workflow: 'plain', step: null, count: 1, example_run_ids: [failed] }),
    ]);

    // the client returns the same report
    const viaClient = await clientValue<MetricsReport>('getMetrics', [
      { workflow: 'plain', ref_type: refType, from: new Date(now - HOUR).toISOString(), to: new Date(now + HOUR).toISOString(), bucket: 'minute' },
    ]);
    expect(viaClient.totals).toEqual(body.totals);
  });
});

describe('metrics queries', () => {
  it('read rollups through their indexes only (no table scan)', async () => {
    const range = { grain: 'hour' as const, from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T00:00:00.000Z' };
    const plans = [
      await explainQueryPlan(env.DB, runRollupsStatement(range, ['*'], ['*'])),
      await explainQueryPlan(env.DB, runRollupsStatement(range, ['a', 'b'], ['campaign'])),
      await explainQueryPlan(env.DB, stepRollupsStatement(range, null)),
      await explainQueryPlan(env.DB, stepRollupsStatement(range, ['a'], 'send')),
      await explainQueryPlan(env.DB, errorRollupsStatement(range, null)),
      await explainQueryPlan(env.DB, errorRollupsStatement(range, ['a'])),
    ];
    for (const plan of plans) {
      const reads = plan.filter((line) => /metrics_/.test(line));
      expect(reads.length, plan.join('\n')).toBeGreaterThan(0);
      for (const line of reads) expect(line, plan.join('\n')).toMatch(/^SEARCH metrics_\w+ USING (PRIMARY KEY|INDEX|COVERING INDEX)/);
    }
    expect(plans[0]!.join('\n')).toMatch(/PRIMARY KEY \(grain=\? AND workflow_name=\? AND ref_type=\? AND bucket>\? AND bucket<\?\)/);
  });

  it('serve ref_type from rollups, ref_id and metadata from the runs', () => {
    expect(metricsSources({ filters: { workflow_name: 'a' } })).toEqual({ runs: 'rollups', steps: 'rollups' });
    expect(metricsSources({ filters: { ref_type: 'campaign' } })).toEqual({ runs: 'rollups', steps: 'runs' });
    expect(metricsSources({ filters: { ref_type: 'campaign', ref_id: 'c1' } })).toEqual({ runs: 'runs', steps: 'runs' });
    expect(metricsSources({ filters: { metadata: { key: 'tier', value: 'gold' } } })).toEqual({ runs: 'runs', steps: 'runs' });
  });
});
