import { EVENT_REF_COLUMNS } from './events.js';
import { prepareAll, sql, type Statement } from './statement.js';
import type { RunRow } from './rows.js';

/**
 * Stores the idempotency key of a run that was just written in the same batch. The unique index
 * `runs_idempotency` makes the whole batch fail when another start took the key first.
 */
export function setIdempotencyKey(runId: string, key: string): Statement {
  return sql('UPDATE workflow_runs SET idempotency_key = ? WHERE id = ?', key, runId);
}

/** Frees the idempotency key of a run (expired, or the run never started): the next start with it starts anew. */
export function releaseIdempotencyKey(runId: string): Statement {
  return sql('UPDATE workflow_runs SET idempotency_key = NULL WHERE id = ?', runId);
}

/** Reads the run a workflow started under an idempotency key, if any. */
export async function getRunByIdempotencyKey(db: D1Database, workflowName: string, key: string): Promise<RunRow | null> {
  return db
    .prepare('SELECT * FROM workflow_runs WHERE workflow_name = ? AND idempotency_key = ?')
    .bind(workflowName, key)
    .first<RunRow>();
}

/** The statement reading the run a workflow started under an idempotency key. */
function runByIdempotencyKeyStatement(workflowName: string, key: string): Statement {
  return sql('SELECT * FROM workflow_runs WHERE workflow_name = ? AND idempotency_key = ?', workflowName, key);
}

/** Reads, in one round trip, the run each (workflow, idempotency key) started, or null where none. */
export async function getRunsByIdempotencyKeys(db: D1Database, keys: readonly { workflow: string; key: string }[]): Promise<(RunRow | null)[]> {
  if (keys.length === 0) return [];
  const results = await db.batch<RunRow>(prepareAll(db, keys.map((k) => runByIdempotencyKeyStatement(k.workflow, k.key))));
  return keys.map((_, i) => results[i]?.results[0] ?? null);
}

/**
 * Appends a `control` event: what was done to a run (`pause`, `terminate`, `event`…), with the run's
 * status after it. Control actions are not replays, so each call appends a new event.
 * @param details JSON text with action-specific facts (the event type sent), or null
 */
export function appendControlEvent(runId: string, action: string, details: string | null, now: string): Statement {
  return sql(
    `INSERT INTO workflow_events (entity, content_key, kind, run_id, workflow_id, workflow_name, ref_type, ref_id, data, created_at)
     SELECT ?, ?, 'control', r.id, r.workflow_id, r.workflow_name, r.ref_type, r.ref_id,
            json_object('action', ?, 'run_id', r.id, 'status', r.status, 'details', json(?)), ?
     FROM workflow_runs r WHERE r.id = ?
     RETURNING ${EVENT_REF_COLUMNS}`,
    `control:${runId}`,
    crypto.randomUUID(),
    action,
    details,
    now,
    runId,
  );
}

/**
 * Clears a run's steps, attempts and outcome, for a run restarted from the beginning: its new
 * execution records a new history instead of being taken for a replay of the old one.
 */
export function resetRunHistory(runId: string): Statement[] {
  return [
    sql('DELETE FROM workflow_step_retries WHERE run_id = ?', runId),
    sql('DELETE FROM workflow_steps WHERE run_id = ?', runId),
    sql('UPDATE workflow_runs SET output_result = NULL, error = NULL, started_at = NULL, completed_at = NULL WHERE id = ?', runId),
  ];
}
