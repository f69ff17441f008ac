import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CreatedApiKey, ErrorBody } from '../../src/index.js';
import type { MetricsReport, Percentiles } from '../../src/shared/metrics.js';
import { writeBatch } from '../../src/store/batch.js';
import worker from '../fixtures/worker.js';
import { api, apiJson, post, unique } from '../service/api.js';
import { exactQuantile, finishStatements, MESSAGES, planHistory, recorded, writeHistory, type PlannedRun, type RawRun, type RawStep } from './history.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const NAME = unique('metrics').toLowerCase();
const NOW = Date.now();
/** The history spans the two whole days before today (UTC). */
const BASE = Math.floor(NOW / DAY) * DAY - 2 * DAY;
const END = BASE + 2 * DAY;

let planned: PlannedRun[];
let truth: { runs: RawRun[]; steps: RawStep[] };

async function metrics(query: Record<string, string | number>, key?: string): Promise<MetricsReport> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const answer = await apiJson<MetricsReport>(`/api/metrics?${params}`, key === undefined ? {} : { key });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const finishedAt = (r: { completed_at: string | null; updated_at?: string }) => Date.parse(r.completed_at ?? r.updated_at!);
const FINAL = ['Completed', 'Errored', 'Terminated'];

/** Exact counts and values per bucket, computed from recorded runs. */
function exactSeries(runs: readonly RawRun[], from: number, to: number, width: number) {
  const buckets = new Map<number, { started: number; completed: number; errored: number; terminated: number; durations: number[]; queued: number[] }>();
  for (let t = from; t < to; t += width) buckets.set(t, { started: 0, completed: 0, errored: 0, terminated: 0, durations: [], queued: [] });
  const at = (t: number) => buckets.get(Math.floor(t / width) * width);
  for (const r of runs) {
    if (r.started_at) {
      const b = at(Date.parse(r.started_at));
      if (b) {
        b.started++;
        b.queued.push(Date.parse(r.started_at) - Date.parse(r.created_at));
      }
    }
    if (!FINAL.includes(r.status)) continue;
    const b = at(finishedAt(r));
    if (!b) continue;
    if (r.status === 'Completed') b.completed++;
    else if (r.status === 'Errored') b.errored++;
    else b.terminated++;
    b.durations.push(finishedAt(r) - Date.parse(r.created_at));
  }
  return buckets;
}

/** Checks sketch percentiles against exact ones: within the report's relative error. */
function expectWithin(p: Percentiles | null, values: readonly number[], relativeError: number, what: string): void {
  if (values.length === 0) {
    expect(p, what).toBeNull();
    return;
  }
  expect(p, what).not.toBeNull();
  for (const [q, name] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) {
    const exact = exactQuantile(values, q);
    const got = p![name];
    expect(Math.abs(got - exact), `${what} ${name}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(relativeError * exact + 1e-9);
  }
}

function expectSeriesMatches(report: MetricsReport, runs: readonly RawRun[], width: number): void {
  const exact = exactSeries(runs, Date.parse(report.from), Date.parse(report.to), width);
  expect(report.series.map((p) => p.time)).toEqual([...exact.keys()].map((t) => new Date(t).toISOString()));
  for (const point of report.series) {
    const e = exact.get(Date.parse(point.time))!;
    expect({ started: point.started, completed: point.completed, errored: point.errored, terminated: point.terminated }, point.time).toEqual({
      started: e.started,
      completed: e.completed,
      errored: e.errored,
      terminated: e.terminated,
    });
    const finished = e.completed + e.errored + e.terminated;
    expect(point.success_rate).toBe(finished === 0 ? null : e.completed / finished);
    expectWithin(point.duration_ms, e.durations, report.relative_error, `${point.time} duration`);
    expectWithin(point.queued_ms, e.queued, report.relative_error, `${point.time} queued`);
  }
}

beforeAll(async () => {
  planned = planHistory(NAME, 360, BASE, 2 * DAY - 20 * MINUTE);
  await writeHistory(NAME, planned);
  truth = await recorded(NAME);
}, 120_000);

describe('GET /api/metrics agrees with the recorded runs', () => {
  it('counts every run of the history once, per hour, with success rate and percentiles within the stated error', async () => {
    expect(truth.runs).toHaveLength(360);
    const report = await metrics({ workflow: NAME, from: BASE, to: END, bucket: 'hour' });
    expect(report.relative_error).toBe(0.02);
    expect(report.series).toHaveLength(48);
    expectSeriesMatches(report, truth.runs, HOUR);
    const all = exactSeries(truth.runs, BASE, END, 2 * DAY).get(BASE)!;
    expect(report.totals).toMatchObject({ started: all.started, completed: all.completed, errored: all.errored, terminated: all.terminated });
    expect(report.totals.completed + report.totals.errored + report.totals.terminated).toBeGreaterThan(300);
    expect(report.totals.success_rate).toBe(all.completed / (all.completed + all.errored + all.terminated));
    expectWithin(report.totals.duration_ms, all.durations, report.relative_error, 'totals duration');
    expectWithin(report.totals.queued_ms, all.queued, report.relative_error, 'totals queued');
  });

  it('counts per minute within the minute rollups’ retention', async () => {
    const from = Math.max(BASE, Math.floor(NOW / HOUR) * HOUR - 47 * HOUR);
    const report = await metrics({ workflow: NAME, from, to: from + 1440 * MINUTE, bucket: 'minute' });
    expect(report.series).toHaveLength(1440);
    expectSeriesMatches(report, truth.runs, MINUTE);
    expect(report.series.some((p) => p.completed > 0)).toBe(true);
  });

  it('merges hour rows into day rows exactly: the same counts and the same sketches', async () => {
    const days = await metrics({ workflow: NAME, from: BASE, to: END, bucket: 'day' });
    const hours = await metrics({ workflow: NAME, from: BASE, to: END, bucket: 'hour' });
    expect(days.series).toHaveLength(2);
    expectSeriesMatches(days, truth.runs, DAY);
    // the day totals are the hour totals, percentiles included: merged sketches, not averages
    expect(days.totals).toEqual(hours.totals);
    for (const day of days.series) {
      const inDay = hours.series.filter((h) => Date.parse(h.time) >= Date.parse(day.time) && Date.parse(h.time) < Date.parse(day.time) + DAY);
      expect(day.started).toBe(inDay.reduce((n, h) => n + h.started, 0));
      expect(day.completed).toBe(inDay.reduce((n, h) => n + h.completed, 0));
    }
    // stored: each day row's sketch is the key-by-key sum of its hours' sketches
    const rows = (
      await env.DB.prepare("SELECT grain, bucket, duration, queued FROM metrics_runs WHERE workflow_name = ? AND ref_type = '*' AND grain IN ('hour', 'day')")
        .bind(NAME)
        .all<{ grain: string; bucket: string; duration: string; queued: string }>()
    ).results;
    for (const day of rows.filter((r) => r.grain === 'day')) {
      const sum = (col: 'duration' | 'queued') => {
        const out: Record<string, number> = {};
        for (const h of rows.filter((r) => r.grain === 'hour' && r.bucket.slice(0, 10) === day.bucket.slice(0, 10))) {
          for (const [k, n] of Object.entries(JSON.parse(h[col]) as Record<string, number>)) out[k] = (out[k] ?? 0) + n;
        }
        return out;
      };
      expect(JSON.parse(day.duration)).toEqual(sum('duration'));
      expect(JSON.parse(day.queued)).toEqual(sum('queued'));
    }
  });

  it('reports steps (count, errors, attempts, retries, percentiles) slowest p95 first', async () => {
    const report = await metrics({ workflow: NAME, from: BASE, to: END });
    const names = [...new Set(truth.steps.map((s) => s.step_name))];
    expect(report.steps.map((s) => s.step).sort()).toEqual(names.sort());
    for (const step of report.steps) {
      const rows = truth.steps.filter((s) => s.step_name === step.step);
      expect(step).toMatchObject({
        workflow: NAME,
        count: rows.length,
        errored: rows.filter((s) => s.status === 'Failed').length,
        attempts: rows.reduce((n, s) => n + s.attempts, 0),
        retries: rows.reduce((n, s) => n + s.retry_count, 0),
      });
      expect(step.retries).toBeGreaterThan(0);
      expectWithin(step.duration_ms, rows.map((s) => s.duration_ms!), report.relative_error, `step ${step.step}`);
    }
    const p95s = report.steps.map((s) => s.duration_ms!.p95);
    expect(p95s).toEqual([...p95s].sort((a, b) => b - a));
    // one step only
    const one = await metrics({ workflow: NAME, step: 'send', from: BASE, to: END });
    expect(one.steps.map((s) => s.step)).toEqual(['send']);
    expect(one.errors.every((e) => e.step === 'send')).toBe(true);
  });

  it('lists the most frequent errors with first and last seen and the newest example runs', async () => {
    const report = await metrics({ workflow: NAME, from: BASE, to: END });
    const fold = (m: string) => m.replace(/[\r\n\t]/g, ' ').replace(/^ +| +$/g, '').slice(0, 200);
    const sightings: { message: string; step: string | null; at: string; run: string }[] = [
      ...truth.runs.filter((r) => r.status === 'Errored').map((r) => ({ message: fold(JSON.parse(r.error!).message), step: null, at: r.completed_at!, run: r.id })),
      ...truth.steps.filter((s) => s.status === 'Failed').map((s) => ({ message: fold(JSON.parse(s.error!).message), step: s.step_name, at: s.completed_at!, run: s.run_id })),
    ];
    expect(report.errors.length).toBeGreaterThan(4);
    expect(report.errors.length).toBeLessThanOrEqual(10);
    expect(report.errors.map((e) => e.count)).toEqual([...report.errors.map((e) => e.count)].sort((a, b) => b - a));
    for (const e of report.errors) {
      const seen = sightings.filter((s) => s.message === e.message && s.step === e.step).sort((a, b) => b.at.localeCompare(a.at));
      expect(e.count, e.message).toBe(seen.length);
      expect(e.first_seen).toBe(seen.at(-1)!.at);
      expect(e.last_seen).toBe(seen[0]!.at);
      expect(e.example_run_ids).toEqual([...new Set(seen.map((s) => s.run))].slice(0, 5));
      expect(e.message.length).toBeLessThanOrEqual(200);
    }
    expect(report.errors.map((e) => e.message)).toContain('card declined by issuer');
    expect(report.errors.some((e) => e.message.startsWith('very long message') && e.message.length === 200)).toBe(true);
    expect(MESSAGES).toHaveLength(4);
  });

  it('does not count a run twice when its terminal record is written again (a replay, a repair)', async () => {
    const query = { workflow: NAME, from: BASE, to: END, bucket: 'hour' };
    const before = await metrics(query);
    const daysBefore = await metrics({ ...query, bucket: 'day' });
    const replayed = planned.slice(0, 40);
    for (const run of replayed) await writeBatch(env.DB, finishStatements(run));
    // an errored run's record repaired to Terminated: a status change, not a new end
    const repaired = planned.find((r) => r.status === 'Errored')!;
    await writeBatch(env.DB, finishStatements(repaired, 'Terminated'));
    await writeBatch(env.DB, finishStatements(repaired, 'Errored'));
    expect(await metrics(query)).toEqual(before);
    expect(await metrics({ ...query, bucket: 'day' })).toEqual(daysBefore);
  });

  it('slices by ref_type from the rollups, and by ref_id and metadata from the runs, matching the runs', async () => {
    for (const [query, pickRuns] of [
      [{ ref_type: 'campaign' }, (r: RawRun) => r.ref_type === 'campaign'],
      [{ ref_type: 'order', ref_id: 'order-3' }, (r: RawRun) => r.ref_type === 'order' && r.ref_id === 'order-3'],
      [{ metadata_key: 'tier', metadata_value: 'gold' }, (r: RawRun) => JSON.parse(r.metadata!).tier === 'gold'],
    ] as const) {
      const report = await metrics({ workflow: NAME, from: BASE, to: END, ...query });
      const runs = truth.runs.filter(pickRuns);
      expect(runs.length).toBeGreaterThan(0);
      expectSeriesMatches(report, runs, HOUR);
      const ids = new Set(runs.map((r) => r.id));
      const steps = truth.steps.filter((s) => ids.has(s.run_id));
      for (const step of report.steps) {
        expect(step.count, `${JSON.stringify(query)} ${step.step}`).toBe(steps.filter((s) => s.step_name === step.step).length);
      }
      expect(report.steps.reduce((n, s) => n + s.count, 0)).toBe(steps.length);
      for (const e of report.errors) expect(e.example_run_ids.every((id) => ids.has(id))).toBe(true);
    }
  });

  it('answers for the scope of a scoped key only', async () => {
    const other = unique('other').toLowerCase();
    await writeHistory(other, planHistory(other, 20, BASE, DAY, 11));
    const scoped = await post<CreatedApiKey>('/api/keys', { name: unique('m'), role: 'read', scopes: { workflows: [NAME] } });
    expect(scoped.status).toBe(201);
    const mine = await metrics({ from: BASE, to: END }, scoped.body.key);
    const direct = await metrics({ workflow: NAME, from: BASE, to: END });
    expect(mine.totals).toEqual(direct.totals);
    expect(new Set(mine.steps.map((s) => s.workflow))).toEqual(new Set([NAME]));
    expect(new Set(mine.errors.map((e) => e.workflow))).toEqual(new Set([NAME]));
    const refused = await apiJson<ErrorBody>(`/api/metrics?workflow=${other}`, { key: scoped.body.key });
    expect(refused.status).toBe(403);

    const byRef = await post<CreatedApiKey>('/api/keys', { name: unique('m'), role: 'read', scopes: { workflows: [NAME], ref_types: ['campaign'] } });
    const campaign = await metrics({ from: BASE, to: END }, byRef.body.key);
    expectSeriesMatches(campaign, truth.runs.filter((r) => r.ref_type === 'campaign'), HOUR);
    const campaignIds = new Set(truth.runs.filter((r) => r.ref_type === 'campaign').map((r) => r.id));
    expect(campaign.steps.reduce((n, s) => n + s.count, 0)).toBe(truth.steps.filter((s) => campaignIds.has(s.run_id)).length);
  });

  it('refuses bad queries with a 400 that names the field', async () => {
    const cases: [string, string][] = [
      ['bucket=week', 'bucket'],
      ['from=yesterday', 'from'],
      ['to=2026-02-31', 'to'],
      [`from=${END}&to=${BASE}`, 'from'],
      ['ref_id=x', 'ref_type'],
      ['step=send', 'workflow'],
      ['metadata_key=tier', 'metadata_value'],
      ['colour=red', "'colour'"],
      [`bucket=minute&from=${NOW - 26 * HOUR}&to=${NOW}`, 'bucket'],
      [`bucket=minute&from=${NOW - 60 * HOUR}&to=${NOW - 50 * HOUR}`, 'bucket'],
      [`bucket=hour&from=${NOW - 70 * DAY}&to=${NOW}`, 'bucket'],
      ['workflow=', 'workflow'],
    ];
    for (const [query, field] of cases) {
      const answer = await apiJson<ErrorBody>(`/api/metrics?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message, query).toContain(field);
    }
    // day buckets reach back as far as day rows go
    expect((await apiJson(`/api/metrics?bucket=day&from=${NOW - 1000 * DAY}`)).status).toBe(200);
  });
});

describe('metrics outlive the runs', () => {
  it('keeps day metrics unchanged when retention prunes the runs and when pruned runs are imported back; prunes minute and hour rows past theirs', async () => {
    const query = { workflow: NAME, from: BASE, to: END, bucket: 'day' };
    const before = await metrics(query);
    const exported = await (await api(`/api/export?workflow=${NAME}`)).text();
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ scheduledTime: NOW + 91 * DAY, cron: '*/15 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await recorded(NAME);
    // completed runs are past their 90 days and gone; the fixture keeps errored runs for ever
    expect(left.runs.filter((r) => r.status === 'Completed')).toEqual([]);
    expect(left.runs.length).toBeLessThan(truth.runs.length);
    expect(await metrics(query)).toEqual(before);
    const grains = (await env.DB.prepare('SELECT DISTINCT grain FROM metrics_runs WHERE workflow_name = ?').bind(NAME).all<{ grain: string }>()).results;
    expect(grains.map((g) => g.grain)).toEqual(['day']);
    // restoring the pruned runs from the export brings them back without counting them again
    const restored = await api('/api/import', { method: 'POST', body: exported, headers: { 'Content-Type': 'application/x-ndjson' } });
    expect(restored.status).toBe(200);
    expect((await recorded(NAME)).runs).toHaveLength(truth.runs.length);
    expect(await metrics(query)).toEqual(before);
  });
});
