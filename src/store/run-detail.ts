import type { AttemptRow, RunRow, StepRow, WorkflowRow } from './rows.js';

/** A run with its workflow, steps and attempts, as D1 returns them. */
export interface RunDetailRows {
  run: RunRow;
  workflow: WorkflowRow | null;
  steps: StepRow[];
  attempts: AttemptRow[];
}

/**
 * Reads a run, its workflow, its steps and every attempt in one D1 round trip.
 * @returns `null` when the run is not recorded
 */
export async function getRunDetailRows(db: D1Database, runId: string): Promise<RunDetailRows | null> {
  const [run, workflow, steps, attempts] = await db.batch([
    db.prepare('SELECT * FROM workflow_runs WHERE id = ?').bind(runId),
    db.prepare('SELECT w.* FROM workflow w WHERE w.id = (SELECT workflow_id FROM workflow_runs WHERE id = ?)').bind(runId),
    db.prepare('SELECT * FROM workflow_steps WHERE run_id = ? ORDER BY step_number, id').bind(runId),
    db.prepare('SELECT * FROM workflow_step_retries WHERE run_id = ? ORDER BY step_name, step_count, attempt').bind(runId),
  ]);
  const runRow = (run?.results[0] as RunRow | undefined) ?? null;
  if (!runRow) return null;
  return {
    run: runRow,
    workflow: (workflow?.results[0] as WorkflowRow | undefined) ?? null,
    steps: (steps?.results ?? []) as StepRow[],
    attempts: (attempts?.results ?? []) as AttemptRow[],
  };
}
