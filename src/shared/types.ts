import type * as z from 'zod/mini';
import type { JsonObject } from './json.js';
import type {
  attemptRecordSchema,
  runDetailSchema,
  runRecordSchema,
  stepDetailSchema,
  stepRecordSchema,
  storedErrorSchema,
  workflowRecordSchema,
} from './record-schemas.js';

/** The records of the REST API, inferred from their schemas in `record-schemas.ts`. */

/** An error as stored: its class name and message, never a stack. */
export type StoredError = z.output<typeof storedErrorSchema>;

/** A workflow: a name plus the business object it is about. Unique by (name, ref_type, ref_id). */
export type WorkflowRecord = z.output<typeof workflowRecordSchema>;

/** A run: one Cloudflare Workflows instance; `id` is the instance id. */
export type RunRecord = z.output<typeof runRecordSchema>;

/** A step of a run. */
export type StepRecord = z.output<typeof stepRecordSchema>;

/** One attempt of a step (stored in `workflow_step_retries`). */
export type AttemptRecord = z.output<typeof attemptRecordSchema>;

/** A step with its attempts. */
export type StepDetail = z.output<typeof stepDetailSchema>;

/** A run with its workflow and steps. */
export type RunDetail = z.output<typeof runDetailSchema>;

/** What an event in the log is about. */
export type EventKind = 'run' | 'step' | 'attempt' | 'control' | 'alert';

/** One entry of the append-only event log; `id` is the cursor for live updates and resume. */
export interface EventRecord {
  id: number;
  kind: EventKind;
  run_id: string | null;
  workflow_id: number | null;
  workflow_name: string | null;
  ref_type: string | null;
  ref_id: string | null;
  /** The changed run, step or attempt as stored (runs omit `input_params`); for `alert`, the `AlertRecord`. */
  data: JsonObject;
  created_at: string;
}
