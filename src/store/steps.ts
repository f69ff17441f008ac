import { sql, type SqlValue, type Statement } from './statement.js';
import type { AttemptRow, StepRow } from './rows.js';

/** What identifies a step: its run, name and count (repeated uses of one name differ by count). */
export interface StepKey {
  run_id: string;
  step_name: string;
  step_count: number;
}

/** Columns of a step that tracking may set. */
export const STEP_FIELDS = [
  'step_number',
  'step_type',
  'status',
  'attempts',
  'retry_count',
  'max_retries',
  'output_result',
  'error',
  'next_retry_at',
  'sleep_until',
  'started_at',
  'completed_at',
  'duration_ms',
] as const;

/** A column tracking may set on a step. */
export type StepField = (typeof STEP_FIELDS)[number];

/** Values for step columns, JSON columns already serialised. */
export type StepFields = Partial<Record<StepField, SqlValue>>;

/**
 * How a repeated write merges into the stored row. Counters only grow and the first start time is
 * kept, so a replayed or out-of-order write never moves a step backwards in its attempts.
 */
const MERGE: Partial<Record<StepField, string>> = {
  attempts: 'max(workflow_steps.attempts, excluded.attempts)',
  retry_count: 'max(workflow_steps.retry_count, excluded.retry_count)',
  started_at: 'ifnull(workflow_steps.started_at, excluded.started_at)',
  step_number: 'workflow_steps.step_number',
};

/** SQL for the milliseconds from `start` (or, when it is null, `end`) to `end`, as an integer. */
function msBetween(end: string, start: string): string {
  return `CAST(round((julianday(${end}) - julianday(ifnull(${start}, ${end}))) * 86400000) AS INTEGER)`;
}

/** Next free position in a run; used when a step's position is not given. */
const NEXT_STEP_NUMBER = '(SELECT ifnull(max(step_number), 0) + 1 FROM workflow_steps WHERE run_id = ?)';

/**
 * Inserts a step or merges the given columns into it. When `completed_at` is set (and no
 * `duration_ms`), the step's duration is derived from its first start, on insert as on update.
 */
export function upsertStep(key: StepKey, fields: StepFields, now: string): Statement {
  const cols = STEP_FIELDS.filter((f) => fields[f] !== undefined && f !== 'step_number' && f !== 'status');
  const insertCols = ['run_id', 'step_name', 'step_count', 'step_number', 'status', 'created_at', 'updated_at', ...cols];
  const numberSql = fields.step_number === undefined ? NEXT_STEP_NUMBER : '?';
  const numberParams: SqlValue[] = fields.step_number === undefined ? [key.run_id] : [fields.step_number];
  const values = ['?', '?', '?', numberSql, '?', '?', '?', ...cols.map(() => '?')];
  const updates = cols.map((c) => `${c} = ${MERGE[c] ?? `excluded.${c}`}`);
  if (fields.status !== undefined) updates.push('status = excluded.status');
  // a step first recorded already finished (its start and end in one write) gets its duration too
  const derivesDuration = fields.completed_at !== undefined && fields.duration_ms === undefined;
  const durationParams: SqlValue[] = derivesDuration ? [fields.completed_at ?? null, fields.started_at ?? null, fields.completed_at ?? null] : [];
  if (derivesDuration) {
    insertCols.push('duration_ms');
    // msBetween names `end` twice: the insert binds completed_at, started_at, completed_at
    values.push(msBetween('?', '?'));
    updates.push(`duration_ms = ${msBetween('excluded.completed_at', 'workflow_steps.started_at')}`);
  }
  updates.push('updated_at = excluded.updated_at');
  return sql(
    `INSERT INTO workflow_steps (${insertCols.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (run_id, step_name, step_count) DO UPDATE SET ${updates.join(', ')}`,
    key.run_id,
    key.step_name,
    key.step_count,
    ...numberParams,
    (fields.status ?? 'Pending') as SqlValue,
    now,
    now,
    ...cols.map((c) => fields[c] ?? null),
    ...durationParams,
  );
}

/** The recorded outcome of one attempt. */
export interface AttemptFields {
  attempt: number;
  status: 'Running' | 'Completed' | 'Failed';
  error?: string | null;
  started_at?: string | null;
  ended_at?: string | null;
  duration_ms?: number | null;
  next_retry_at?: string | null;
}

/**
 * Inserts an attempt or records its outcome; keyed by (run, step name, step count, attempt). An
 * outcome without `duration_ms` gets it from the attempt's recorded start.
 */
export function upsertAttempt(key: StepKey, a: AttemptFields, now: string): Statement {
  return sql(
    `INSERT INTO workflow_step_retries
       (run_id, step_name, step_count, attempt, status, error, started_at, ended_at, duration_ms, next_retry_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_name, step_count, attempt) DO UPDATE SET
       status = excluded.status,
       error = excluded.error,
       started_at = ifnull(workflow_step_retries.started_at, excluded.started_at),
       ended_at = excluded.ended_at,
       duration_ms = ifnull(excluded.duration_ms, ${msBetween('excluded.ended_at', 'workflow_step_retries.started_at')}),
       next_retry_at = excluded.next_retry_at`,
    key.run_id,
    key.step_name,
    key.step_count,
    a.attempt,
    a.status,
    a.error ?? null,
    a.started_at ?? null,
    a.ended_at ?? null,
    a.duration_ms ?? null,
    a.next_retry_at ?? null,
    now,
  );
}

/** Reads a run's steps in order. */
export async function listStepRows(db: D1Database, runId: string): Promise<StepRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM workflow_steps WHERE run_id = ? ORDER BY step_number, id')
    .bind(runId)
    .all<StepRow>();
  return results;
}

/** Reads every attempt of a run's steps. */
export async function listAttemptRows(db: D1Database, runId: string): Promise<AttemptRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM workflow_step_retries WHERE run_id = ? ORDER BY step_name, step_count, attempt')
    .bind(runId)
    .all<AttemptRow>();
  return results;
}

/** A step's recorded state, as the tracker needs it to recognise replayed work. */
export interface StepState {
  step_name: string;
  step_count: number;
  status: string;
  sleep_until: string | null;
}

/** Selects the recorded state of every step of a run (sent in the run's first tracking batch). */
export function selectStepStates(runId: string): Statement {
  return sql('SELECT step_name, step_count, status, sleep_until FROM workflow_steps WHERE run_id = ?', runId);
}

/**
 * Clears a step's attempt history so that it can be recorded anew: used when a restarted run runs
 * the step again.
 */
export function resetStepHistory(key: StepKey): Statement[] {
  return [
    sql('DELETE FROM workflow_step_retries WHERE run_id = ? AND step_name = ? AND step_count = ?', key.run_id, key.step_name, key.step_count),
    sql(
      `UPDATE workflow_steps SET attempts = 0, retry_count = 0, error = NULL, output_result = NULL, next_retry_at = NULL,
         started_at = NULL, completed_at = NULL, duration_ms = NULL
       WHERE run_id = ? AND step_name = ? AND step_count = ?`,
      key.run_id,
      key.step_name,
      key.step_count,
    ),
  ];
}
