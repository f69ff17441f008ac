import { sql, type Statement } from './statement.js';

/** Where a run's records stand in the engine's event stream, and what the records say now. */
export interface FollowedRun {
  /** eventId of the last engine event recorded; 0 before the first. */
  cursor: number;
  /** type@timestamp of that event. */
  mark: string | null;
  /** The run's row, when it has one. */
  run: { status: string; input_params: string | null; created_at: string; workflow_name: string } | null;
  /** The sleep or wait step the records say the run is in. */
  pause: { step_name: string; step_count: number; step_type: string; sleep_until: string | null; waiting_for: string | null } | null;
}

/** Reads a run's cursor, status and open sleep or wait in one batch. */
export async function readFollowedRun(db: D1Database, runId: string): Promise<FollowedRun> {
  const [cursor, run, pause] = await db.batch([
    db.prepare('SELECT cursor, mark FROM workflow_run_cursors WHERE run_id = ?').bind(runId),
    db.prepare('SELECT status, input_params, created_at, workflow_name FROM workflow_runs WHERE id = ?').bind(runId),
    db
      .prepare(
        `SELECT s.step_name, s.step_count, s.step_type, s.sleep_until, r.waiting_for
         FROM workflow_steps s LEFT JOIN workflow_runs r ON r.id = s.run_id
         WHERE s.run_id = ? AND s.status IN ('Sleeping', 'Waiting') ORDER BY s.step_number DESC LIMIT 1`,
      )
      .bind(runId),
  ]);
  const c = cursor?.results[0] as { cursor: number; mark: string } | undefined;
  return {
    cursor: c?.cursor ?? 0,
    mark: c?.mark ?? null,
    run: (run?.results[0] as FollowedRun['run'] | undefined) ?? null,
    pause: (pause?.results[0] as FollowedRun['pause'] | undefined) ?? null,
  };
}

/** Moves a run's cursor; sent in the batch that records the events up to it. */
export function setCursor(runId: string, cursor: number, mark: string, now: string): Statement {
  return sql(
    `INSERT INTO workflow_run_cursors (run_id, cursor, mark, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET cursor = excluded.cursor, mark = excluded.mark, updated_at = excluded.updated_at`,
    runId,
    cursor,
    mark,
    now,
  );
}

/** Forgets a run's cursor: its history starts again (a restart). */
export function clearCursor(runId: string): Statement {
  return sql('DELETE FROM workflow_run_cursors WHERE run_id = ?', runId);
}
