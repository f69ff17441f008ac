import { parseJsonColumn, type JsonObject } from '../shared/json.js';
import type { AttemptStatus, RunStatus, StepStatus } from '../shared/status.js';
import type {
  AttemptRecord,
  EventKind,
  EventRecord,
  RunRecord,
  StepRecord,
  StoredError,
  WorkflowRecord,
} from '../shared/types.js';

/** A `workflow` row as D1 returns it. */
export interface WorkflowRow {
  id: number;
  name: string;
  ref_id: string | null;
  ref_type: string | null;
  status: string | null;
  metadata: string | null;
  last_run_id: string | null;
  run_count: number;
  created_at: string;
  updated_at: string;
}

/** A `workflow_runs` row as D1 returns it. */
export interface RunRow {
  id: string;
  workflow_id: number;
  workflow_name: string;
  status: string;
  ref_id: string | null;
  ref_type: string | null;
  input_params: string | null;
  output_result: string | null;
  error: string | null;
  metadata: string | null;
  sleep_until: string | null;
  waiting_for: string | null;
  retry_of: string | null;
  /** Added by migration 0002; absent on a database that only has 0001. */
  idempotency_key?: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A `workflow_steps` row as D1 returns it. */
export interface StepRow {
  id: number;
  run_id: string;
  step_name: string;
  step_count: number;
  step_number: number;
  step_type: string;
  status: string;
  attempts: number;
  retry_count: number;
  max_retries: number | null;
  output_result: string | null;
  error: string | null;
  next_retry_at: string | null;
  sleep_until: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  created_at: string;
  updated_at: string;
}

/** A `workflow_step_retries` row as D1 returns it. */
export interface AttemptRow {
  id: number;
  run_id: string;
  step_name: string;
  step_count: number;
  attempt: number;
  status: string;
  error: string | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  next_retry_at: string | null;
  created_at: string;
}

/** A `workflow_events` row as D1 returns it. */
export interface EventRow {
  id: number;
  kind: string;
  run_id: string | null;
  workflow_id: number | null;
  workflow_name: string | null;
  ref_type: string | null;
  ref_id: string | null;
  data: string;
  created_at: string;
}

/**
 * An appended event as a write gets it back (`RETURNING`): everything but its data, with the
 * status (of a run or step), a step's name and its retries read from the data.
 */
export interface EventRef extends Omit<EventRow, 'data'> {
  status?: string | null;
  step_name?: string | null;
  retry_count?: number | null;
}

function parseError(text: string | null): StoredError | null {
  const value = parseJsonColumn(text);
  if (value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return { name: String(value.name ?? 'Error'), message: String(value.message ?? '') };
  }
  return { name: 'Error', message: String(value) };
}

function parseObject(text: string | null): JsonObject | null {
  const value = parseJsonColumn(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

/** Maps a `workflow` row to its API shape. */
export function toWorkflow(row: WorkflowRow): WorkflowRecord {
  return { ...row, status: row.status as RunStatus | null, metadata: parseObject(row.metadata) };
}

/** Maps a `workflow_runs` row to its API shape. */
export function toRun(row: RunRow): RunRecord {
  return {
    ...row,
    status: row.status as RunStatus,
    input_params: parseJsonColumn(row.input_params),
    output_result: parseJsonColumn(row.output_result),
    error: parseError(row.error),
    metadata: parseObject(row.metadata),
    idempotency_key: row.idempotency_key ?? null,
  };
}

/** Maps a `workflow_steps` row to its API shape. */
export function toStep(row: StepRow): StepRecord {
  return {
    ...row,
    step_type: row.step_type as StepRecord['step_type'],
    status: row.status as StepStatus,
    output_result: parseJsonColumn(row.output_result),
    error: parseError(row.error),
  };
}

/** Maps a `workflow_step_retries` row to its API shape. */
export function toAttempt(row: AttemptRow): AttemptRecord {
  return { ...row, status: row.status as AttemptStatus, error: parseError(row.error) };
}

/** Maps an event row to its API shape; `data` holds the changed row, mapped like the row itself. */
export function toEvent(row: EventRow): EventRecord {
  const raw = parseObject(row.data) ?? {};
  const kind = row.kind as EventKind;
  const mapped =
    kind === 'run'
      ? toRun(raw as unknown as RunRow)
      : kind === 'step'
        ? toStepEvent(raw)
        : kind === 'attempt'
          ? toAttempt(raw as unknown as AttemptRow)
          : raw;
  return { ...row, kind, data: mapped as unknown as JsonObject };
}

// A step event carries the step's latest attempt (`last_attempt`), mapped like any attempt: its
// `error` arrives as JSON text, as in its row.
function toStepEvent(raw: JsonObject): StepRecord & { last_attempt: AttemptRecord | null } {
  const { last_attempt: attempt, ...step } = raw;
  const attemptRow = typeof attempt === 'string' ? parseObject(attempt) : attempt;
  return {
    ...toStep(step as unknown as StepRow),
    last_attempt: attemptRow && typeof attemptRow === 'object' && !Array.isArray(attemptRow) ? toAttempt(attemptRow as unknown as AttemptRow) : null,
  };
}
