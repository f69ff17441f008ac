import { ARCHIVE_FORMAT, type ArchivedRun } from '../shared/archive-format.js';
import type { AttemptRow, RunRow, StepRow, WorkflowRow } from './rows.js';

export { ARCHIVE_FORMAT, type ArchivedRun };
import { sql, type Statement } from './statement.js';
import { clearRestoring, markRestoring } from './metrics.js';

const IN_LIST = 'IN (SELECT value FROM json_each(?))';

/** Reads runs with their workflows, steps and attempts, in the order of `ids`, in one D1 round trip. */
export async function archivedRuns(db: D1Database, ids: readonly string[]): Promise<ArchivedRun[]> {
  if (ids.length === 0) return [];
  const list = JSON.stringify(ids);
  const [runs, workflows, steps, attempts] = await db.batch([
    db.prepare(`SELECT * FROM workflow_runs WHERE id ${IN_LIST}`).bind(list),
    db.prepare(`SELECT * FROM workflow WHERE id IN (SELECT workflow_id FROM workflow_runs WHERE id ${IN_LIST})`).bind(list),
    db.prepare(`SELECT * FROM workflow_steps WHERE run_id ${IN_LIST} ORDER BY run_id, step_number, id`).bind(list),
    db.prepare(`SELECT * FROM workflow_step_retries WHERE run_id ${IN_LIST} ORDER BY run_id, step_name, step_count, attempt`).bind(list),
  ]);
  const byWorkflow = new Map(((workflows?.results ?? []) as WorkflowRow[]).map((w) => [w.id, w]));
  const byRun = new Map(((runs?.results ?? []) as RunRow[]).map((r) => [r.id, r]));
  const group = <T extends { run_id: string; id: number }>(rows: T[]) => {
    const out = new Map<string, Omit<T, 'id'>[]>();
    for (const { id: _id, ...row } of rows) out.set(row.run_id, [...(out.get(row.run_id) ?? []), row]);
    return out;
  };
  const stepsOf = group((steps?.results ?? []) as StepRow[]);
  const attemptsOf = group((attempts?.results ?? []) as AttemptRow[]);
  return ids.flatMap((id) => {
    const row = byRun.get(id);
    if (!row) return [];
    const { workflow_id, ...run } = row;
    const w = byWorkflow.get(workflow_id);
    return [
      {
        format: ARCHIVE_FORMAT,
        workflow: { name: w?.name ?? row.workflow_name, ref_type: w?.ref_type ?? row.ref_type, ref_id: w?.ref_id ?? row.ref_id, metadata: w?.metadata ?? null, created_at: w?.created_at ?? row.created_at },
        run,
        steps: stepsOf.get(id) ?? [],
        attempts: attemptsOf.get(id) ?? [],
      },
    ];
  });
}

const WORKFLOW_BY_IDENTITY = "(SELECT id FROM workflow WHERE name = ? AND ifnull(ref_type, '') = ifnull(?, '') AND ifnull(ref_id, '') = ifnull(?, ''))";

function insertRow(table: string, row: Record<string, unknown>, extra: { column: string; sql: string; params: unknown[] } | null = null, returning = ''): Statement {
  const columns = Object.keys(row);
  const values = columns.map(() => '?');
  const params = columns.map((c) => row[c] as string | number | null);
  if (extra) {
    columns.push(extra.column);
    values.push(extra.sql);
    params.push(...(extra.params as (string | number | null)[]));
  }
  return sql(`INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})${returning}`, ...params);
}

/** The column a restored run's insert returns (a run already there returns no row). */
const RESTORED = 'restored_run_id';

/** How many runs a batch of {@link restoreStatements} restored, from its results. */
export function restoredCount(results: readonly D1Result<Record<string, unknown>>[]): number {
  return results.filter((r) => (r.results ?? []).some((row) => RESTORED in row)).length;
}

/**
 * Statements that restore one archived run into a database: its workflow (created if missing), the
 * run, its steps and attempts. A run already there is left as it is (restoring twice changes
 * nothing; {@link restoredCount} tells them apart). The workflow's run count, latest run and status
 * are set from its runs afterwards.
 */
export function restoreStatements(record: ArchivedRun): Statement[] {
  const w = record.workflow;
  const identity = [w.name, w.ref_type, w.ref_id];
  return [
    // the metrics rollups already hold a restored run (they outlive the runs): not counted again
    markRestoring([record.run.id]),
    sql(
      `INSERT INTO workflow (name, ref_type, ref_id, metadata, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?
       WHERE NOT EXISTS ${WORKFLOW_BY_IDENTITY.replace('(SELECT id', '(SELECT 1')}`,
      w.name,
      w.ref_type,
      w.ref_id,
      w.metadata,
      w.created_at,
      record.run.updated_at,
      ...identity,
    ),
    insertRow('workflow_runs', record.run as unknown as Record<string, unknown>, { column: 'workflow_id', sql: WORKFLOW_BY_IDENTITY, params: identity }, ` RETURNING id AS ${RESTORED}`),
    ...record.steps.map((s) => insertRow('workflow_steps', s as unknown as Record<string, unknown>)),
    ...record.attempts.map((a) => insertRow('workflow_step_retries', a as unknown as Record<string, unknown>)),
    refreshWorkflowsWhere(`id = ${WORKFLOW_BY_IDENTITY}`, identity),
    clearRestoring([record.run.id]),
  ];
}

/**
 * Sets workflows' run count, latest run and status from the runs they have (after runs were
 * deleted or restored). A workflow with no run left keeps its last status.
 */
export function refreshWorkflowsWhere(condition: string, params: readonly (string | number | null)[]): Statement {
  const newest = 'SELECT r.%s FROM workflow_runs r INDEXED BY runs_by_workflow WHERE r.workflow_id = workflow.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1';
  return sql(
    `UPDATE workflow SET
       run_count = (SELECT count(*) FROM workflow_runs r WHERE r.workflow_id = workflow.id),
       last_run_id = (${newest.replace('%s', 'id')}),
       status = coalesce((${newest.replace('%s', 'status')}), status)
     WHERE ${condition}`,
    ...params,
  );
}
