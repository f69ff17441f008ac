import { BUCKET_MS, type MetricsCounts, type MetricsPoint, type MetricsReport, type StepMetrics, type TopError } from '../../shared/metrics.js';
import {
  readActiveRuns,
  readErrorRollups,
  readFinishedSteps,
  readRunRollups,
  readStepRollups,
  type ErrorRollupRow,
  type RawRunRow,
  type RawStepRow,
} from '../../store/metrics.js';
import type { RunFilters } from '../../store/queries.js';
import { bucketStarts, tiles, type MetricsRange } from './range.js';
import { addValue, mergeSketch, mergeStored, mergeStoredList, percentilesOf, RELATIVE_ERROR, type Sketch } from './sketch.js';

/** Most runs the raw path (ref_id and metadata filters) reads for one report, newest first. */
export const MAX_RAW_RUNS = 10_000;

/** Errors a report lists. */
const TOP_ERRORS = 10;

/** Example runs per error. */
const EXAMPLES = 5;

/** Characters of a message kept, as the rollup triggers cut it. */
const MESSAGE_LENGTH = 200;

const FINISHED = new Set(['Completed', 'Errored', 'Terminated']);

/** Counts and sketches of one bucket, before percentiles are read from them. */
interface Acc {
  started: number;
  completed: number;
  errored: number;
  terminated: number;
  duration: Sketch;
  queued: Sketch;
}

const sketchOf = (stored: string): Sketch => {
  const sketch: Sketch = new Map();
  mergeStored(sketch, stored);
  return sketch;
};

const newAcc = (): Acc => ({ started: 0, completed: 0, errored: 0, terminated: 0, duration: new Map(), queued: new Map() });

function addAcc(into: Acc, from: Acc): void {
  into.started += from.started;
  into.completed += from.completed;
  into.errored += from.errored;
  into.terminated += from.terminated;
  mergeSketch(into.duration, from.duration);
  mergeSketch(into.queued, from.queued);
}

function countsOf(acc: Acc): MetricsCounts {
  const finished = acc.completed + acc.errored + acc.terminated;
  return {
    started: acc.started,
    completed: acc.completed,
    errored: acc.errored,
    terminated: acc.terminated,
    success_rate: finished === 0 ? null : acc.completed / finished,
    duration_ms: percentilesOf(acc.duration),
    queued_ms: percentilesOf(acc.queued),
  };
}

/** What a report is about: the caller's filters (already narrowed to its scopes) and one step. */
export interface MetricsScope {
  filters: Omit<RunFilters, 'since' | 'until' | 'status'>;
  step?: string;
}

/**
 * Where each part of a report comes from. Run counts come from rollups unless the filter names a
 * `ref_id` or metadata (rollups hold workflow × ref_type only); steps and errors come from rollups
 * unless it names a `ref_type` too (theirs are per workflow). The rest is read from the recorded
 * runs, so it covers what retention has kept.
 */
export function metricsSources(scope: MetricsScope): { runs: 'rollups' | 'runs'; steps: 'rollups' | 'runs' } {
  const f = scope.filters;
  const raw = f.ref_id !== undefined || f.metadata !== undefined;
  const byRefType = f.ref_type !== undefined || f.within?.ref_types !== undefined;
  return { runs: raw ? 'runs' : 'rollups', steps: raw || byRefType ? 'runs' : 'rollups' };
}

/** Builds the report of a range: series, totals, steps and top errors. */
export async function buildMetricsReport(db: D1Database, range: MetricsRange, scope: MetricsScope): Promise<MetricsReport> {
  const sources = metricsSources(scope);
  const fromIso = new Date(range.from).toISOString();
  const toIso = new Date(range.to).toISOString();
  const rawRuns = sources.runs === 'runs' || sources.steps === 'runs' ? await readActiveRuns(db, scope.filters, fromIso, toIso, MAX_RAW_RUNS) : [];
  const rawSteps = sources.steps === 'runs' ? await readFinishedSteps(db, rawRuns.map((r) => r.id), scope.step) : [];

  const buckets = sources.runs === 'rollups' ? await bucketsFromRollups(db, range, scope) : bucketsFromRuns(range, rawRuns);
  const totals = newAcc();
  const series: MetricsPoint[] = bucketStarts(range).map((t) => {
    const acc = buckets.get(t) ?? newAcc();
    addAcc(totals, acc);
    return { time: new Date(t).toISOString(), ...countsOf(acc) };
  });

  const [steps, errors] =
    sources.steps === 'rollups'
      ? await Promise.all([stepsFromRollups(db, range, scope), errorsFromRollups(db, range, scope)])
      : [stepsFromRuns(range, rawRuns, rawSteps), errorsFromRuns(range, rawRuns, rawSteps, scope.step)];

  return { from: fromIso, to: toIso, bucket: range.bucket, totals: countsOf(totals), series, steps, errors, relative_error: RELATIVE_ERROR };
}

/** Workflows and ref_types whose rollup rows answer a filter (`'*'`: the row of all). */
function rollupDimensions(f: MetricsScope['filters']): { workflows: string[]; refTypes: string[] } {
  return {
    workflows: f.workflow_name !== undefined ? [f.workflow_name] : [...(f.within?.workflows ?? ['*'])],
    refTypes: f.ref_type !== undefined ? [f.ref_type] : [...(f.within?.ref_types ?? ['*'])],
  };
}

/** Workflows whose step and error rows answer a filter (`null`: every workflow). */
function stepWorkflows(f: MetricsScope['filters']): string[] | null {
  return f.workflow_name !== undefined ? [f.workflow_name] : f.within?.workflows ? [...f.within.workflows] : null;
}

async function bucketsFromRollups(db: D1Database, range: MetricsRange, scope: MetricsScope): Promise<Map<number, Acc>> {
  const { workflows, refTypes } = rollupDimensions(scope.filters);
  const rows = await readRunRollups(
    db,
    { grain: range.bucket, from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() },
    workflows,
    refTypes,
  );
  const out = new Map<number, Acc>();
  for (const row of rows) {
    const t = Date.parse(row.bucket);
    let acc = out.get(t);
    if (!acc) out.set(t, (acc = newAcc()));
    addAcc(acc, { ...row, duration: sketchOf(row.duration), queued: sketchOf(row.queued) });
  }
  return out;
}

const msBetween = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from));
const finishedAt = (r: { completed_at: string | null; updated_at: string }) => r.completed_at ?? r.updated_at;

function bucketsFromRuns(range: MetricsRange, runs: readonly RawRunRow[]): Map<number, Acc> {
  const width = BUCKET_MS[range.bucket];
  const out = new Map<number, Acc>();
  const accAt = (iso: string): Acc | null => {
    const t = Date.parse(iso);
    if (t < range.from || t >= range.to) return null;
    const start = Math.floor(t / width) * width;
    let acc = out.get(start);
    if (!acc) out.set(start, (acc = newAcc()));
    return acc;
  };
  for (const run of runs) {
    const started = run.started_at === null ? null : accAt(run.started_at);
    if (started && run.started_at !== null) {
      started.started += 1;
      addValue(started.queued, msBetween(run.created_at, run.started_at));
    }
    if (!FINISHED.has(run.status)) continue;
    const fin = finishedAt(run);
    const acc = accAt(fin);
    if (!acc) continue;
    if (run.status === 'Completed') acc.completed += 1;
    else if (run.status === 'Errored') acc.errored += 1;
    else acc.terminated += 1;
    addValue(acc.duration, msBetween(run.created_at, fin));
  }
  return out;
}

/** Step metrics before percentiles are read. */
interface StepAcc extends Omit<StepMetrics, 'duration_ms'> {
  duration: Sketch;
}

function stepAcc(map: Map<string, StepAcc>, workflow: string, step: string): StepAcc {
  const key = JSON.stringify([workflow, step]);
  let acc = map.get(key);
  if (!acc) map.set(key, (acc = { workflow, step, count: 0, errored: 0, attempts: 0, retries: 0, duration: new Map() }));
  return acc;
}

function toStepMetrics(map: Map<string, StepAcc>): StepMetrics[] {
  const steps = [...map.values()].map(({ duration, ...rest }) => ({ ...rest, duration_ms: percentilesOf(duration) }));
  return steps.sort((a, b) => (b.duration_ms?.p95 ?? -1) - (a.duration_ms?.p95 ?? -1) || b.count - a.count || a.step.localeCompare(b.step));
}

async function stepsFromRollups(db: D1Database, range: MetricsRange, scope: MetricsScope): Promise<StepMetrics[]> {
  const workflows = stepWorkflows(scope.filters);
  const parts = await Promise.all(tiles(range).map((tile) => readStepRollups(db, tile, workflows, scope.step)));
  const map = new Map<string, StepAcc>();
  for (const row of parts.flat()) {
    const acc = stepAcc(map, row.workflow_name, row.step_name);
    acc.count += row.count;
    acc.errored += row.errored;
    acc.attempts += row.attempts;
    acc.retries += row.retries;
    mergeStoredList(acc.duration, row.duration);
  }
  return toStepMetrics(map);
}

function stepsFromRuns(range: MetricsRange, runs: readonly RawRunRow[], steps: readonly RawStepRow[]): StepMetrics[] {
  const workflowOf = new Map(runs.map((r) => [r.id, r.workflow_name]));
  const map = new Map<string, StepAcc>();
  for (const s of steps) {
    const t = Date.parse(finishedAt(s));
    const workflow = workflowOf.get(s.run_id);
    if (t < range.from || t >= range.to || workflow === undefined) continue;
    const acc = stepAcc(map, workflow, s.step_name);
    acc.count += 1;
    if (s.status === 'Failed') acc.errored += 1;
    acc.attempts += Math.max(s.attempts, 1);
    acc.retries += Math.max(s.retry_count, s.attempts - 1, 0);
    if (s.duration_ms !== null) addValue(acc.duration, s.duration_ms);
  }
  return toStepMetrics(map);
}

/** An error's message as the rollups keep it: `message` of the stored error, whitespace folded, cut. */
export function normaliseMessage(stored: string | null): string | null {
  if (stored === null) return null;
  let text = stored;
  try {
    const parsed = JSON.parse(stored) as unknown;
    if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && (parsed as { message: unknown }).message != null) {
      text = String((parsed as { message: unknown }).message);
    }
  } catch {
    // not JSON: the text is the message
  }
  const folded = text.replace(/[\r\n\t]/g, ' ').replace(/^ +| +$/g, '').slice(0, MESSAGE_LENGTH);
  return folded === '' ? null : folded;
}

/** An error before its examples are chosen: sightings of runs with their times. */
interface ErrorAcc extends Omit<TopError, 'example_run_ids'> {
  /** Runs that had it, with the time they had it, any order. */
  seen: [at: string, runId: string][];
}

function addError(map: Map<string, ErrorAcc>, e: Omit<ErrorAcc, 'seen'>, seen: [at: string, runId: string][]): void {
  const key = JSON.stringify([e.workflow, e.step, e.message]);
  const acc = map.get(key);
  if (!acc) {
    map.set(key, { ...e, seen: [...seen] });
    return;
  }
  acc.count += e.count;
  if (e.first_seen < acc.first_seen) acc.first_seen = e.first_seen;
  if (e.last_seen > acc.last_seen) acc.last_seen = e.last_seen;
  acc.seen.push(...seen);
}

function topErrors(map: Map<string, ErrorAcc>): TopError[] {
  const errors = [...map.values()].sort((a, b) => b.count - a.count || b.last_seen.localeCompare(a.last_seen)).slice(0, TOP_ERRORS);
  return errors.map(({ seen, ...e }) => {
    const ids: string[] = [];
    for (const [, id] of seen.sort((a, b) => b[0].localeCompare(a[0]))) if (!ids.includes(id) && ids.length < EXAMPLES) ids.push(id);
    return { ...e, example_run_ids: ids };
  });
}

async function errorsFromRollups(db: D1Database, range: MetricsRange, scope: MetricsScope): Promise<TopError[]> {
  const workflows = stepWorkflows(scope.filters);
  const parts = await Promise.all(tiles(range, 'hour').map((tile) => readErrorRollups(db, tile, workflows, scope.step)));
  const map = new Map<string, ErrorAcc>();
  for (const row of parts.flat() as ErrorRollupRow[]) {
    addError(
      map,
      { message: row.message, workflow: row.workflow_name, step: row.step_name === '' ? null : row.step_name, count: row.count, first_seen: row.first_seen, last_seen: row.last_seen },
      (JSON.parse(row.examples) as [string, string][][]).flat(),
    );
  }
  return topErrors(map);
}

function errorsFromRuns(range: MetricsRange, runs: readonly RawRunRow[], steps: readonly RawStepRow[], step: string | undefined): TopError[] {
  const workflowOf = new Map(runs.map((r) => [r.id, r.workflow_name]));
  const inRange = (iso: string) => {
    const t = Date.parse(iso);
    return t >= range.from && t < range.to;
  };
  const map = new Map<string, ErrorAcc>();
  const sighting = (workflow: string, stepName: string | null, stored: string | null, at: string, runId: string) => {
    const message = normaliseMessage(stored);
    if (message === null || !inRange(at)) return;
    addError(map, { message, workflow, step: stepName, count: 1, first_seen: at, last_seen: at }, [[at, runId]]);
  };
  if (step === undefined) {
    for (const r of runs) if (r.status === 'Errored') sighting(r.workflow_name, null, r.error, finishedAt(r), r.id);
  }
  for (const s of steps) {
    const workflow = workflowOf.get(s.run_id);
    if (s.status === 'Failed' && workflow !== undefined) sighting(workflow, s.step_name, s.error, finishedAt(s), s.run_id);
  }
  return topErrors(map);
}
