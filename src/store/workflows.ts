import { sql, type SqlValue, type Statement } from './statement.js';
import type { WorkflowRow } from './rows.js';

/** What identifies a workflow: its name and the business object it is about. */
export interface WorkflowIdentity {
  name: string;
  ref_type: string | null;
  ref_id: string | null;
}

/** SQL expression that finds a workflow's id by identity; binds `name, ref_type, ref_id`. */
export const WORKFLOW_ID_BY_IDENTITY =
  "(SELECT id FROM workflow WHERE name = ? AND ifnull(ref_type, '') = ifnull(?, '') AND ifnull(ref_id, '') = ifnull(?, ''))";

/** Parameters for {@link WORKFLOW_ID_BY_IDENTITY}. */
export function identityParams(w: WorkflowIdentity): SqlValue[] {
  return [w.name, w.ref_type, w.ref_id];
}

/** Largest merged metadata a workflow keeps, in bytes; a merge past it keeps the newest run's metadata. */
export const MAX_WORKFLOW_METADATA_BYTES = 64 * 1024;

/** The workflow's metadata merged with the incoming (JSON merge patch); stored text D1 cannot parse counts as `{}`. */
const MERGED_METADATA = "json_patch(iif(json_valid(workflow.metadata), workflow.metadata, '{}'), excluded.metadata)";

/**
 * Registers a workflow if it is new (automatic registration) and merges run metadata into its own.
 * Only for a run that is not recorded yet: an existing run keeps the workflow it has. A merge never
 * fails the write: metadata D1 cannot parse is replaced, and a merge that would outgrow
 * {@link MAX_WORKFLOW_METADATA_BYTES} keeps the incoming metadata alone.
 */
export function upsertWorkflow(w: WorkflowIdentity, metadata: string | null, runId: string, now: string): Statement {
  return sql(
    `INSERT INTO workflow (name, ref_id, ref_type, metadata, created_at, updated_at)
     SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM workflow_runs WHERE id = ?)
     ON CONFLICT (name, ifnull(ref_type, ''), ifnull(ref_id, '')) DO UPDATE SET
       metadata = CASE WHEN excluded.metadata IS NULL OR NOT json_valid(excluded.metadata) THEN workflow.metadata
                       WHEN length(CAST(${MERGED_METADATA} AS BLOB)) > ${MAX_WORKFLOW_METADATA_BYTES} THEN excluded.metadata
                       ELSE ${MERGED_METADATA} END,
       updated_at = excluded.updated_at`,
    w.name,
    w.ref_id,
    w.ref_type,
    metadata,
    now,
    now,
    runId,
  );
}

/**
 * Counts a new run on its workflow and makes it the latest. Does nothing when the run is already
 * recorded, so a repeated start counts once. Must run before the run's insert in the same batch.
 */
export function countNewRun(workflowIdExpr: string, workflowParams: SqlValue[], runId: string, now: string): Statement {
  return sql(
    `UPDATE workflow SET run_count = run_count + 1, last_run_id = ?, updated_at = ?
     WHERE id = ${workflowIdExpr} AND NOT EXISTS (SELECT 1 FROM workflow_runs WHERE id = ?)`,
    runId,
    now,
    ...workflowParams,
    runId,
  );
}

/** Copies a run's status onto its workflow when the run is the workflow's latest. */
export function syncWorkflowStatus(runId: string, now: string): Statement {
  return sql(
    `UPDATE workflow SET status = (SELECT status FROM workflow_runs WHERE id = ?1), updated_at = ?2
     WHERE id = (SELECT workflow_id FROM workflow_runs WHERE id = ?1) AND last_run_id = ?1`,
    runId,
    now,
  );
}

/** Reads one workflow by id. */
export async function getWorkflowById(db: D1Database, id: number): Promise<WorkflowRow | null> {
  return db.prepare('SELECT * FROM workflow WHERE id = ?').bind(id).first<WorkflowRow>();
}

/** Reads one workflow by identity. */
export async function getWorkflowByIdentity(db: D1Database, w: WorkflowIdentity): Promise<WorkflowRow | null> {
  return db
    .prepare(`SELECT * FROM workflow WHERE id = ${WORKFLOW_ID_BY_IDENTITY}`)
    .bind(...identityParams(w))
    .first<WorkflowRow>();
}
