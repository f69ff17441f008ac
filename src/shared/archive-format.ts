import type { AttemptRow, RunRow, StepRow, WorkflowRow } from '../store/rows.js';

/** Format tag of an archived or exported run; a reader checks it before anything else. */
export const ARCHIVE_FORMAT = 'flowflare.run.v1';

/**
 * One run as archives and exports hold it: one NDJSON line, lossless. Columns are as stored (JSON
 * columns such as `input_params` stay JSON text), row ids and the workflow's id are left out (a
 * restore gives new ones), and the workflow is named by its identity.
 */
export interface ArchivedRun {
  format: typeof ARCHIVE_FORMAT;
  workflow: Pick<WorkflowRow, 'name' | 'ref_type' | 'ref_id' | 'metadata' | 'created_at'>;
  run: Omit<RunRow, 'workflow_id'>;
  steps: Omit<StepRow, 'id'>[];
  attempts: Omit<AttemptRow, 'id'>[];
}
