import { FlowflareError, ValidationError } from '../shared/errors.js';

/** The bindings the tracking helpers need from a Worker's `env`. */
export interface TrackingEnv {
  /** The Flowflare D1 database. */
  DB: D1Database;
}

/**
 * Fails at once when an instance id is missing. The seed's samples pass `step.instanceId`, which
 * Cloudflare's `WorkflowStep` does not have; the id is `event.instanceId`.
 */
export function assertInstanceId(instanceId: unknown, where: string): asserts instanceId is string {
  if (typeof instanceId === 'string' && instanceId.length > 0) return;
  const got = instanceId === undefined ? 'undefined' : JSON.stringify(instanceId) ?? String(instanceId);
  throw new ValidationError(
    `${where}: instanceId is ${got}. Pass event.instanceId (the run(event, step) argument): ` +
      "Cloudflare's WorkflowStep has no instanceId, except the step a TrackedWorkflow hands to run().",
    'INVALID_INSTANCE_ID',
  );
}

/** Returns the D1 binding, or fails with a message that says how to bind it. */
export function requireDb(env: unknown, where: string): D1Database {
  const db = (env as Partial<TrackingEnv> | null | undefined)?.DB;
  if (db && typeof (db as D1Database).prepare === 'function' && typeof (db as D1Database).batch === 'function') return db;
  throw new FlowflareError(
    'NOT_CONFIGURED',
    `${where}: env.DB is not a D1 binding. Add [[d1_databases]] with binding = "DB" to this Worker's wrangler config (npx flowflare-setup does it).`,
  );
}

/** Fails unless `value` is a non-empty string. */
export function assertName(value: unknown, field: string, where: string): asserts value is string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new ValidationError(`${where}: ${field} must be a non-empty string, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/** Fails unless `value` is a positive whole number. */
export function assertPositiveInt(value: unknown, field: string, where: string): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new ValidationError(`${where}: ${field} must be a whole number >= 1, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/** True when an error asks not to be retried: `error.nonRetryable = true` or Workflows' `NonRetryableError`. */
export function isNonRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  return (error as { nonRetryable?: unknown }).nonRetryable === true || (error as Error).name === 'NonRetryableError';
}

/** Retry facts attached to the error a tracked step throws. */
export interface RetryInfo {
  /** Retries made so far; for an attempt that will be retried, the number of that coming retry. */
  retryCount: number;
  /** When the next attempt runs (ISO-8601), or `null` when there is none. */
  nextRetryAt: string | null;
}

/** An error thrown by a tracked step, with its retry facts. */
export type TrackedStepError = Error & RetryInfo;

/** Attaches retry facts to an error (wrapping non-errors) and returns it. */
export function withRetryInfo(error: unknown, info: RetryInfo): TrackedStepError {
  const err = error instanceof Error ? error : new Error(typeof error === 'string' ? error : JSON.stringify(error));
  return Object.assign(err, info);
}
