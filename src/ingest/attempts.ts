import type { Statement } from '../store/statement.js';
import type { StepKey } from '../store/steps.js';
import { capJson } from '../shared/json.js';
import { errorToJson, safeStringify } from './serialize.js';
import { stepTransition } from './transitions.js';

/** Largest JSON Flowflare stores for one step output or error, in bytes. */
export const DEFAULT_MAX_JSON_BYTES = 256 * 1024;

/** One attempt of one step, as the tracker sees it. */
export interface AttemptInfo {
  key: StepKey;
  /** Position of the step in the run; omitted: the next free position. */
  stepNumber?: number;
  attempt: number;
  /** Retries allowed after the first attempt. */
  maxRetries: number | null;
  startedAt: string;
}

/** Statements recording that an attempt started: the step is Running. */
export function attemptStarted(a: AttemptInfo): Statement[] {
  return stepTransition({
    key: a.key,
    fields: {
      step_number: a.stepNumber,
      step_type: 'do',
      status: 'Running',
      attempts: a.attempt,
      retry_count: a.attempt - 1,
      max_retries: a.maxRetries,
      started_at: a.startedAt,
      next_retry_at: null,
      completed_at: null,
      duration_ms: null,
    },
    attempt: { attempt: a.attempt, status: 'Running', started_at: a.startedAt },
    now: a.startedAt,
  });
}

/** Statements recording that an attempt succeeded: the step is Completed with its output. */
export function attemptSucceeded(a: AttemptInfo, output: unknown, endedAt: string, maxJsonBytes = DEFAULT_MAX_JSON_BYTES): Statement[] {
  return stepTransition({
    key: a.key,
    fields: {
      step_number: a.stepNumber,
      status: 'Completed',
      attempts: a.attempt,
      max_retries: a.maxRetries,
      started_at: a.startedAt,
      output_result: capJson(safeStringify(output), maxJsonBytes),
      error: null,
      next_retry_at: null,
      completed_at: endedAt,
    },
    attempt: {
      attempt: a.attempt,
      status: 'Completed',
      started_at: a.startedAt,
      ended_at: endedAt,
      duration_ms: Date.parse(endedAt) - Date.parse(a.startedAt),
    },
    now: endedAt,
  });
}

/**
 * Statements recording that an attempt failed. With `nextRetryAt` the step is Retrying until then;
 * without, the step has Failed for good.
 */
export function attemptFailed(a: AttemptInfo, error: unknown, endedAt: string, nextRetryAt: string | null): Statement[] {
  const errorJson = errorToJson(error);
  return stepTransition({
    key: a.key,
    fields: {
      step_number: a.stepNumber,
      status: nextRetryAt ? 'Retrying' : 'Failed',
      attempts: a.attempt,
      retry_count: nextRetryAt ? a.attempt : a.attempt - 1,
      max_retries: a.maxRetries,
      started_at: a.startedAt,
      error: errorJson,
      next_retry_at: nextRetryAt,
      completed_at: nextRetryAt ? null : endedAt,
    },
    attempt: {
      attempt: a.attempt,
      status: 'Failed',
      error: errorJson,
      started_at: a.startedAt,
      ended_at: endedAt,
      duration_ms: Date.parse(endedAt) - Date.parse(a.startedAt),
      next_retry_at: nextRetryAt,
    },
    now: endedAt,
  });
}
