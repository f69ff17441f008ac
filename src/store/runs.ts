import { sql, type SqlValue, type Statement } from './statement.js';
import type { RunRow } from './rows.js';
import { WORKFLOW_ID_BY_IDENTITY, identityParams, type WorkflowIdentity } from './workflows.js';

/** Columns of a run that tracking may set; nothing outside this list ever reaches SQL. */
export const RUN_FIELDS = [
  'status',
  'ref_id',
  'ref_type',
  'input_params',
  'output_result',
  'error',
  'metadata',
  'sleep_until',
  'waiting_for',
  'retry_of',
  'started_at',
  'completed_at',
] as const;

/** A column tracking may set on a run. */
export type RunField = (typeof RUN_FIELDS)[number];

/** Values for run columns, JSON columns already serialised. */
export type RunFields = Partial<Record<RunField, string | null>>;

/** How a statement names the workflow a run belongs to. */
export interface WorkflowRef {
  idSql: string;
  idParams: SqlValue[];
  nameSql: string;
  nameParams: SqlValue[];
}

/** Names a workflow by (name, ref_type, ref_id). */
export function workflowByIdentity(w: WorkflowIdentity): WorkflowRef {
  return { idSql: WORKFLOW_ID_BY_IDENTITY, idParams: identityParams(w), nameSql: '?', nameParams: [w.name] };
}

/** Names a workflow by its numeric id. */
export function workflowById(id: number): WorkflowRef {
  return { idSql: '?', idParams: [id], nameSql: '(SELECT name FROM workflow WHERE id = ?)', nameParams: [id] };
}

const FINAL = "('Completed', 'Errored', 'Terminated')";

/**
 * Run metadata merges (JSON merge patch) instead of being replaced: the metadata a run was started
 * with (who triggered it) survives the workflow adding its own. An explicit null clears it.
 */
function mergeMetadata(current: string, incoming: string): string {
  return `iif(${incoming} IS NULL, NULL, json_patch(iif(json_valid(${current}), ${current}, '{}'), ${incoming}))`;
}

/** SET clauses that keep derived columns right when the status changes. */
function derivedAssignments(fields: RunFields, target: string): string[] {
  const out: string[] = [];
  if (fields.status === undefined) return out;
  if (fields.started_at === undefined) {
    out.push(`started_at = CASE WHEN ${target}.status = 'Running' THEN ifnull(${target}.started_at, ${target}.updated_at) ELSE ${target}.started_at END`);
  }
  if (fields.completed_at === undefined) {
    out.push(`completed_at = CASE WHEN ${target}.status IN ${FINAL} THEN ifnull(${target}.completed_at, ${target}.updated_at) ELSE NULL END`);
  }
  if (fields.sleep_until === undefined) {
    // a Waiting run's sleep_until is the wait's deadline; a Paused run keeps what it paused in
    out.push(`sleep_until = CASE WHEN ${target}.status IN ('Sleeping', 'Waiting', 'Paused') THEN ${target}.sleep_until ELSE NULL END`);
  }
  if (fields.waiting_for === undefined) {
    out.push(`waiting_for = CASE WHEN ${target}.status IN ('Waiting', 'Paused') THEN ${target}.waiting_for ELSE NULL END`);
  }
  return out;
}

function givenFields(fields: RunFields): RunField[] {
  return RUN_FIELDS.filter((f) => fields[f] !== undefined);
}

/**
 * Inserts a run, or updates the given columns of an existing one. `workflow` is only used when the
 * run is new: an existing run keeps its workflow.
 * @param statusIfNew the status is written only when the run is new: a run recorded first by its
 *   follower or by the workflow itself keeps the status they wrote (a start's `Queued` is no news)
 */
export function upsertRun(runId: string, workflow: WorkflowRef, fields: RunFields, now: string, statusIfNew = false): Statement[] {
  const cols = givenFields(fields).filter((f) => f !== 'status');
  const status = fields.status ?? 'Pending';
  const insertCols = ['id', 'workflow_id', 'workflow_name', 'status', 'created_at', 'updated_at', ...cols];
  // For a run that exists, the named workflow may not (it is only registered for new runs); the
  // run's own workflow_id then satisfies NOT NULL, which SQLite checks before taking the UPDATE path.
  const idSql = `ifnull(${workflow.idSql}, (SELECT workflow_id FROM workflow_runs WHERE id = ?))`;
  const values = ['?', idSql, workflow.nameSql, '?', '?', '?', ...cols.map(() => '?')];
  const params: SqlValue[] = [
    runId,
    ...workflow.idParams,
    runId,
    ...workflow.nameParams,
    status,
    now,
    now,
    ...cols.map((c) => fields[c] ?? null),
  ];
  const updates = givenFields(fields).filter((c) => !(statusIfNew && c === 'status')).map((c) =>
    c === 'metadata' ? `metadata = ${mergeMetadata('workflow_runs.metadata', 'excluded.metadata')}` : `${c} = excluded.${c}`,
  );
  const upsert = sql(
    `INSERT INTO workflow_runs (${insertCols.join(', ')}) VALUES (${values.join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${[...updates, 'updated_at = excluded.updated_at'].join(', ')}`,
    ...params,
  );
  return [upsert, ...fixDerived(runId, fields)];
}

/** Updates the given columns of a run that exists; a run that does not exist is left alone. */
export function updateRun(runId: string, fields: RunFields, now: string): Statement[] {
  const cols = givenFields(fields);
  const sets = cols.map((c) => (c === 'metadata' ? `metadata = ${mergeMetadata('metadata', 'CAST(? AS TEXT)')}` : `${c} = ?`));
  // the merge expression names its incoming value twice, so metadata binds twice
  const values = cols.flatMap((c) => (c === 'metadata' ? [fields[c] ?? null, fields[c] ?? null] : [fields[c] ?? null]));
  const update = sql(
    `UPDATE workflow_runs SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`,
    ...values,
    now,
    runId,
  );
  return [update, ...fixDerived(runId, fields)];
}

function fixDerived(runId: string, fields: RunFields): Statement[] {
  const derived = derivedAssignments(fields, 'workflow_runs');
  return derived.length === 0 ? [] : [sql(`UPDATE workflow_runs SET ${derived.join(', ')} WHERE id = ?`, runId)];
}

/** Reads one run. */
/** Reads the run back inside a write batch (its row comes back in the batch's results). */
export function selectRun(runId: string): Statement {
  return sql('SELECT * FROM workflow_runs WHERE id = ?', runId);
}

/** The ids among `ids` that are already taken by a recorded run. */
export async function takenRunIds(db: D1Database, ids: readonly string[]): Promise<string[]> {
  const taken = await db.prepare('SELECT id FROM workflow_runs WHERE id IN (SELECT value FROM json_each(?))').bind(JSON.stringify(ids)).all<{ id: string }>();
  return taken.results.map((r) => r.id);
}

export async function getRunRow(db: D1Database, runId: string): Promise<RunRow | null> {
  return db.prepare('SELECT * FROM workflow_runs WHERE id = ?').bind(runId).first<RunRow>();
}

/** Reads the workflow id of a run, or `null` when the run is not recorded. */
export async function getRunWorkflowId(db: D1Database, runId: string): Promise<number | null> {
  return db.prepare('SELECT workflow_id FROM workflow_runs WHERE id = ?').bind(runId).first<number>('workflow_id');
}

const IS_FINISHED = "EXISTS (SELECT 1 FROM workflow_runs WHERE id = ? AND status IN ('Completed', 'Errored', 'Terminated'))";

/**
 * Clears a finished run's steps, attempts and outcome, so that a restarted run records a new
 * history instead of adding to the old one. Does nothing to a run that has not finished.
 */
export function resetRunIfFinished(runId: string): Statement[] {
  return [
    sql(`DELETE FROM workflow_step_retries WHERE run_id = ? AND ${IS_FINISHED}`, runId, runId),
    sql(`DELETE FROM workflow_steps WHERE run_id = ? AND ${IS_FINISHED}`, runId, runId),
    sql(
      `UPDATE workflow_runs SET output_result = NULL, error = NULL, started_at = NULL, completed_at = NULL
       WHERE id = ? AND status IN ('Completed', 'Errored', 'Terminated')`,
      runId,
    ),
  ];
}

/** The fields that place a run in topics (its workflow and business object), or null when unknown. */
export async function getRunTopicFields(db: D1Database, runId: string): Promise<{ run_id: string; workflow_name: string; ref_type: string | null; ref_id: string | null } | null> {
  return db
    .prepare('SELECT id AS run_id, workflow_name, ref_type, ref_id FROM workflow_runs WHERE id = ?')
    .bind(runId)
    .first();
}
