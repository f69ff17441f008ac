import { refreshWorkflowsWhere } from './archive.js';
import { sql, type Statement } from './statement.js';

/**
 * Runs in `status` whose last change is before `before` (ISO), oldest first.
 * @param pick.dueBefore only runs whose sleep or wait deadline is before this (ISO)
 * @param pick.shuffled in no particular order instead: a sweep that meets runs it cannot settle
 *   then does not meet the same ones first every time
 */
export async function runsUnchangedSince(
  db: D1Database,
  status: string,
  before: string,
  limit: number,
  pick: { dueBefore?: string; shuffled?: boolean } = {},
): Promise<AgedRun[]> {
  const due = pick.dueBefore === undefined ? '' : ' AND sleep_until < ?';
  const order = pick.shuffled ? 'random()' : 'updated_at, id';
  const { results } = await db
    .prepare(
      `SELECT id, workflow_id, workflow_name, status, updated_at FROM workflow_runs INDEXED BY runs_by_status_age WHERE status = ? AND updated_at < ?${due} ORDER BY ${order} LIMIT ?`,
    )
    .bind(...[status, before, ...(pick.dueBefore === undefined ? [] : [pick.dueBefore]), limit])
    .all<AgedRun>();
  return results;
}

/** A run found by its status and age. */
export interface AgedRun {
  id: string;
  workflow_id: number;
  workflow_name: string;
  status: string;
  updated_at: string;
}

/**
 * Deletes runs with everything recorded of them (steps, attempts, events, metadata rows, cursor),
 * then sets their workflows' run count, latest run and status from the runs that remain. One D1
 * batch: all of it or none. The audit trail is kept.
 */
export function deleteRuns(runs: readonly Pick<AgedRun, 'id' | 'workflow_id'>[]): Statement[] {
  const list = JSON.stringify(runs.map((r) => r.id));
  const workflows = JSON.stringify([...new Set(runs.map((r) => r.workflow_id))]);
  const inList = 'IN (SELECT value FROM json_each(?))';
  return [
    sql(`DELETE FROM workflow_step_retries WHERE run_id ${inList}`, list),
    sql(`DELETE FROM workflow_steps WHERE run_id ${inList}`, list),
    sql(`DELETE FROM workflow_events WHERE run_id ${inList}`, list),
    sql(`DELETE FROM workflow_run_metadata WHERE run_id ${inList}`, list),
    sql(`DELETE FROM workflow_run_cursors WHERE run_id ${inList}`, list),
    sql(`DELETE FROM workflow_runs WHERE id ${inList}`, list),
    refreshWorkflowsWhere(`id ${inList}`, [workflows]),
  ];
}

/** Deletes up to `limit` events older than `before` (ISO) from the live log; answers how many went. */
export async function deleteOldEvents(db: D1Database, before: string, limit: number): Promise<number> {
  const result = await db
    .prepare('DELETE FROM workflow_events WHERE id IN (SELECT id FROM workflow_events INDEXED BY events_by_time WHERE created_at < ? LIMIT ?)')
    .bind(before, limit)
    .run();
  return result.meta.changes ?? 0;
}
