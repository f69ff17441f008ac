import { activeRunsStatement, type RunFilters } from './queries.js';
import { sql, type Statement } from './statement.js';

/**
 * Reads and prunes the metrics rollups (`metrics_runs`, `metrics_steps`, `metrics_errors`). The
 * rollups are written by triggers (migrations/0007_metrics.sql) in the same transaction as the
 * record write that moves a run or step, so nothing here writes them.
 */

/** A grain of the rollups: the width of their buckets. */
export type Grain = 'minute' | 'hour' | 'day';

/** One row of `metrics_runs`: run counts and sketches (sparse JSON) of one bucket. */
export interface RunRollupRow {
  bucket: string;
  started: number;
  completed: number;
  errored: number;
  terminated: number;
  duration: string;
  queued: string;
}

/** Step rollups merged over a range: one step's counts and its rows' sketches (a JSON array of them). */
export interface StepRollupRow {
  workflow_name: string;
  step_name: string;
  count: number;
  errored: number;
  attempts: number;
  retries: number;
  duration: string;
}

/** Error rollups merged over a range; `examples` is a JSON array of each merged row's `[time, run id]` lists (newest 5 each). */
export interface ErrorRollupRow {
  workflow_name: string;
  step_name: string;
  message: string;
  count: number;
  first_seen: string;
  last_seen: string;
  examples: string;
}

/** A half-open range of bucket starts, ISO-8601, at one grain. */
export interface GrainRange {
  grain: Grain;
  from: string;
  to: string;
}

const inList = (column: string) => `${column} IN (SELECT value FROM json_each(?))`;

/**
 * The statement reading run rollups of the given workflows and ref_types (`'*'`: all) in a range:
 * a primary-key search per (workflow, ref_type) pair.
 */
export function runRollupsStatement(range: GrainRange, workflows: readonly string[], refTypes: readonly string[]): Statement {
  return sql(
    `SELECT bucket, started, completed, errored, terminated, duration, queued FROM metrics_runs
     WHERE grain = ? AND ${inList('workflow_name')} AND ${inList('ref_type')} AND bucket >= ? AND bucket < ?`,
    range.grain,
    JSON.stringify(workflows),
    JSON.stringify(refTypes),
    range.from,
    range.to,
  );
}

/** Reads run rollups (see {@link runRollupsStatement}). */
export async function readRunRollups(db: D1Database, range: GrainRange, workflows: readonly string[], refTypes: readonly string[]): Promise<RunRollupRow[]> {
  const s = runRollupsStatement(range, workflows, refTypes);
  return (await db.prepare(s.sql).bind(...s.params).all<RunRollupRow>()).results;
}

/** WHERE conditions of step and error reads: a range, some workflows (`null`: all), one step. */
function rangeConditions(range: GrainRange, workflows: readonly string[] | null, step: string | undefined): { where: string; params: string[] } {
  const where = ['grain = ?', 'bucket >= ?', 'bucket < ?'];
  const params: string[] = [range.grain, range.from, range.to];
  if (workflows) {
    where.push(inList('workflow_name'));
    params.push(JSON.stringify(workflows));
  }
  if (step !== undefined) {
    where.push('step_name = ?');
    params.push(step);
  }
  return { where: where.join(' AND '), params };
}

/**
 * The statement reading step rollups in a range, of some workflows (`null`: every workflow) and
 * optionally one step, grouped inside SQLite: one row per step, its counts summed and its rows'
 * sketches in one JSON array (so a month of hour rows crosses the wire as a few rows), which the
 * reader merges key by key.
 */
export function stepRollupsStatement(range: GrainRange, workflows: readonly string[] | null, step?: string): Statement {
  const { where, params } = rangeConditions(range, workflows, step);
  const index = workflows ? '' : ' INDEXED BY metrics_steps_age';
  // each row's sketch is merged by the reader: merging key by key in SQL reads the range once per step
  return sql(
    `SELECT workflow_name, step_name, sum(count) AS count, sum(errored) AS errored, sum(attempts) AS attempts, sum(retries) AS retries,
            json_group_array(json(duration)) AS duration
     FROM metrics_steps${index} WHERE ${where} GROUP BY workflow_name, step_name`,
    ...params,
  );
}

/** Reads step rollups (see {@link stepRollupsStatement}). */
export async function readStepRollups(db: D1Database, range: GrainRange, workflows: readonly string[] | null, step?: string): Promise<StepRollupRow[]> {
  const s = stepRollupsStatement(range, workflows, step);
  return (await db.prepare(s.sql).bind(...s.params).all<StepRollupRow>()).results;
}

/**
 * The statement reading error rollups (hour or day grain) in a range, as {@link stepRollupsStatement},
 * merged inside SQLite: one row per (workflow, step, message) with its count, first and last
 * sighting and the example runs of every row merged (the reader keeps the newest 5).
 */
export function errorRollupsStatement(range: GrainRange, workflows: readonly string[] | null, step?: string): Statement {
  const { where, params } = rangeConditions(range, workflows, step);
  const index = workflows ? '' : ' INDEXED BY metrics_errors_age';
  // each row's newest examples are merged by the reader: a correlated pick per message would read
  // the range once per message
  return sql(
    `SELECT workflow_name, step_name, message, sum(count) AS count, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
            json_group_array(json(examples)) AS examples
     FROM metrics_errors${index} WHERE ${where} GROUP BY workflow_name, step_name, message`,
    ...params,
  );
}

/** Reads error rollups (see {@link errorRollupsStatement}). */
export async function readErrorRollups(db: D1Database, range: GrainRange, workflows: readonly string[] | null, step?: string): Promise<ErrorRollupRow[]> {
  const s = errorRollupsStatement(range, workflows, step);
  return (await db.prepare(s.sql).bind(...s.params).all<ErrorRollupRow>()).results;
}

/** A finished or started run as the raw metrics path reads it. */
export interface RawRunRow {
  id: string;
  workflow_name: string;
  status: string;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  error: string | null;
}

/** A finished durable step as the raw metrics path reads it. */
export interface RawStepRow {
  run_id: string;
  step_name: string;
  status: string;
  attempts: number;
  retry_count: number;
  duration_ms: number | null;
  completed_at: string | null;
  updated_at: string;
  error: string | null;
}

/**
 * Reads the recorded runs a filter selects that started or finished in `[since, until)` (created
 * before `until`), newest first, at most `limit`: the raw path of filters the rollups do not
 * hold (ref_id, metadata). Searches the run list's index for the filter.
 */
export async function readActiveRuns(db: D1Database, filters: Omit<RunFilters, 'since' | 'until' | 'status'>, since: string, until: string, limit: number): Promise<RawRunRow[]> {
  const s = activeRunsStatement(filters, since, until, 'r.id, r.workflow_name, r.status, r.created_at, r.started_at, r.completed_at, r.updated_at, r.error', limit);
  return (await db.prepare(s.sql).bind(...s.params).all<RawRunRow>()).results;
}

/** Run ids per statement when reading their steps. */
const IDS_PER_READ = 500;

/** Reads the finished durable steps of some runs (by the steps' primary index). */
export async function readFinishedSteps(db: D1Database, runIds: readonly string[], step?: string): Promise<RawStepRow[]> {
  const out: RawStepRow[] = [];
  for (let i = 0; i < runIds.length; i += IDS_PER_READ) {
    const ids = JSON.stringify(runIds.slice(i, i + IDS_PER_READ));
    const { results } = await db
      .prepare(
        `SELECT run_id, step_name, status, attempts, retry_count, duration_ms, completed_at, updated_at, error
         FROM workflow_steps INDEXED BY steps_identity
         WHERE run_id IN (SELECT value FROM json_each(?)) AND step_type = 'do' AND status IN ('Completed', 'Failed')
           AND (? IS NULL OR step_name = ?)`,
      )
      .bind(ids, step ?? null, step ?? null)
      .all<RawStepRow>();
    out.push(...results);
  }
  return out;
}

/** Rollup tables and their primary keys. */
const PRUNED_TABLES = {
  metrics_runs: 'grain, workflow_name, ref_type, bucket',
  metrics_steps: 'grain, workflow_name, step_name, bucket',
  metrics_errors: 'grain, workflow_name, bucket, step_name, message',
} as const;

/** Rows deleted per statement when pruning. */
export const METRICS_PRUNE_BATCH = 5000;

/**
 * Statements deleting up to `limit` rollup rows of one grain older than `before` (ISO), one per
 * table, found through the tables' (grain, bucket) indexes.
 */
export function pruneRollupsStatements(grain: Grain, before: string, limit = METRICS_PRUNE_BATCH): Statement[] {
  return Object.entries(PRUNED_TABLES).map(([table, key]) =>
    sql(
      `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} INDEXED BY ${table}_age WHERE grain = ? AND bucket < ? LIMIT ?)`,
      grain,
      before,
      limit,
    ),
  );
}

/** Marks runs as being restored, so the rollup triggers do not count them again (first in an import's batch). */
export function markRestoring(runIds: readonly string[]): Statement {
  return sql('INSERT OR IGNORE INTO metrics_restoring (run_id) SELECT value FROM json_each(?)', JSON.stringify(runIds));
}

/** Clears the marks of {@link markRestoring} (last in the import's batch). */
export function clearRestoring(runIds: readonly string[]): Statement {
  return sql('DELETE FROM metrics_restoring WHERE run_id IN (SELECT value FROM json_each(?))', JSON.stringify(runIds));
}
