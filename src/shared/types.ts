import type { JsonObject, JsonValue } from './json.js';
import type { AttemptStatus, RunStatus, StepStatus } from './status.js';

/** An error as stored: its class name and message, never a stack. */
export interface StoredError {
  name: string;
  message: string;
}

/** A workflow: a name plus the business object it is about. Unique by (name, ref_type, ref_id). */
export interface WorkflowRecord {
  id: number;
  name: string;
  ref_id: string | null;
  ref_type: string | null;
  /** Status of the latest run. */
  status: RunStatus | null;
  metadata: JsonObject | null;
  last_run_id: string | null;
  run_count: number;
  created_at: string;
  updated_at: string;
}

/** A run: one Cloudflare Workflows instance; `id` is the instance id. */
export interface RunRecord {
  id: string;
  workflow_id: number;
  workflow_name: string;
  status: RunStatus;
  ref_id: string | null;
  ref_type: string | null;
  input_params: JsonValue | null;
  output_result: JsonValue | null;
  error: StoredError | null;
  metadata: JsonObject | null;
  sleep_until: string | null;
  waiting_for: string | null;
  retry_of: string | null;
  /** The key the run was started with through the service, for idempotent starts. */
  idempotency_key?: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A step of a run. */
export interface StepRecord {
  id: number;
  run_id: string;
  step_name: string;
  /** Tells repeated uses of one step name in a run apart. */
  step_count: number;
  /** Position of the step in the run. */
  step_number: number;
  step_type: 'do' | 'sleep' | 'waitForEvent';
  status: StepStatus;
  attempts: number;
  retry_count: number;
  max_retries: number | null;
  output_result: JsonValue | null;
  error: StoredError | null;
  next_retry_at: string | null;
  sleep_until: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** One attempt of a step (stored in `workflow_step_retries`). */
export interface AttemptRecord {
  id: number;
  run_id: string;
  step_name: string;
  step_count: number;
  attempt: number;
  status: AttemptStatus;
  error: StoredError | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  /** When the next attempt is due, for a failed attempt that will be retried. */
  next_retry_at: string | null;
  created_at: string;
}

/** A step with its attempts. */
export interface StepDetail extends StepRecord {
  attempt_history: AttemptRecord[];
}

/** A run with its workflow and steps. */
export interface RunDetail extends RunRecord {
  workflow: WorkflowRecord | null;
  steps: StepDetail[];
}

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
