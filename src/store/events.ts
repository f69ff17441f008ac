import { sql, type Statement } from './statement.js';
import type { EventRow } from './rows.js';
import type { StepKey } from './steps.js';

const RUN_JSON = `json_object(
  'id', r.id, 'workflow_id', r.workflow_id, 'workflow_name', r.workflow_name, 'status', r.status,
  'ref_id', r.ref_id, 'ref_type', r.ref_type, 'output_result', r.output_result, 'error', r.error,
  'metadata', r.metadata, 'sleep_until', r.sleep_until, 'waiting_for', r.waiting_for,
  'retry_of', r.retry_of, 'started_at', r.started_at, 'completed_at', r.completed_at,
  'created_at', r.created_at, 'updated_at', r.updated_at)`;

const ATTEMPT_JSON = `json_object(
  'id', a.id, 'run_id', a.run_id, 'step_name', a.step_name, 'step_count', a.step_count,
  'attempt', a.attempt, 'status', a.status, 'error', a.error, 'started_at', a.started_at,
  'ended_at', a.ended_at, 'duration_ms', a.duration_ms, 'next_retry_at', a.next_retry_at,
  'created_at', a.created_at)`;

const STEP_JSON = `json_object(
  'id', s.id, 'run_id', s.run_id, 'step_name', s.step_name, 'step_count', s.step_count,
  'step_number', s.step_number, 'step_type', s.step_type, 'status', s.status,
  'attempts', s.attempts, 'retry_count', s.retry_count, 'max_retries', s.max_retries,
  'output_result', s.output_result, 'error', s.error, 'next_retry_at', s.next_retry_at,
  'sleep_until', s.sleep_until, 'started_at', s.started_at, 'completed_at', s.completed_at,
  'duration_ms', s.duration_ms, 'created_at', s.created_at, 'updated_at', s.updated_at,
  'last_attempt', (SELECT ${ATTEMPT_JSON} FROM workflow_step_retries a
     WHERE a.run_id = s.run_id AND a.step_name = s.step_name AND a.step_count = s.step_count
     ORDER BY a.attempt DESC LIMIT 1))`;

/**
 * What a write gets back for each event it appended: enough to publish it, and the few facts alert
 * rules match on (the status, a step's name and retries), not its data.
 */
export const EVENT_REF_COLUMNS = `id, kind, entity, content_key, run_id, workflow_id, workflow_name, ref_type, ref_id, created_at,
  json_extract(data, '$.status') AS status, json_extract(data, '$.step_name') AS step_name, json_extract(data, '$.retry_count') AS retry_count`;

const EVENT_COLUMNS = 'entity, content_key, kind, run_id, workflow_id, workflow_name, ref_type, ref_id, data, created_at';

/**
 * Appends only when the entity's latest event has a different content key: a write that repeats the
 * latest change (a replay) adds nothing, the same change after anything else happened is recorded.
 */
const UNLESS_REPEATED = 'AND ? IS NOT (SELECT content_key FROM workflow_events WHERE entity = ? ORDER BY id DESC LIMIT 1)';

/** Entity name of a run in the event log. */
export function runEntity(runId: string): string {
  return `run:${runId}`;
}

/** Entity name of a step in the event log. */
export function stepEntity(key: StepKey): string {
  return `step:${key.run_id}/${key.step_name}/${key.step_count}`;
}

/** Appends an event holding the run as stored, unless it repeats the run's latest event. */
export function appendRunEvent(runId: string, contentKey: string, now: string): Statement {
  const entity = runEntity(runId);
  return sql(
    `INSERT INTO workflow_events (${EVENT_COLUMNS})
     SELECT ?, ?, 'run', r.id, r.workflow_id, r.workflow_name, r.ref_type, r.ref_id, ${RUN_JSON}, ?
     FROM workflow_runs r WHERE r.id = ? ${UNLESS_REPEATED}
     RETURNING ${EVENT_REF_COLUMNS}`,
    entity,
    contentKey,
    now,
    runId,
    contentKey,
    entity,
  );
}

/** Appends an event holding the step as stored with its latest attempt, unless it repeats. */
export function appendStepEvent(key: StepKey, contentKey: string, now: string): Statement {
  const entity = stepEntity(key);
  return sql(
    `INSERT INTO workflow_events (${EVENT_COLUMNS})
     SELECT ?, ?, 'step', s.run_id, r.workflow_id, r.workflow_name, r.ref_type, r.ref_id, ${STEP_JSON}, ?
     FROM workflow_steps s LEFT JOIN workflow_runs r ON r.id = s.run_id
     WHERE s.run_id = ? AND s.step_name = ? AND s.step_count = ? ${UNLESS_REPEATED}
     RETURNING ${EVENT_REF_COLUMNS}`,
    entity,
    contentKey,
    now,
    key.run_id,
    key.step_name,
    key.step_count,
    contentKey,
    entity,
  );
}

/** Reads events after a cursor, oldest first. */
export async function listEventsAfter(db: D1Database, afterId: number, limit: number): Promise<EventRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM workflow_events WHERE id > ? ORDER BY id LIMIT ?')
    .bind(afterId, limit)
    .all<EventRow>();
  return results;
}

/** Reads a run's events, oldest first. */
export async function listRunEvents(db: D1Database, runId: string): Promise<EventRow[]> {
  const { results } = await db
    .prepare('SELECT * FROM workflow_events WHERE run_id = ? ORDER BY id')
    .bind(runId)
    .all<EventRow>();
  return results;
}
