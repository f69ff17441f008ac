import { ValidationError } from '../shared/errors.js';

/** How a step is retried: the seed's `retryOptions`. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 3 */
  maxRetries?: number;
  /** Delay before the first retry, in milliseconds. @default 1000 */
  baseDelay?: number;
  /** How the delay grows: `exponential` doubles it, `linear` adds it, `constant` keeps it. @default 'exponential' */
  backoffType?: BackoffType;
}

/** How the delay between retries grows; the same names and formulas as Workflows' `backoff`. */
export type BackoffType = 'exponential' | 'linear' | 'constant';

/** Retry options with every field filled in. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** Defaults used when `retryOptions` (or one of its fields) is omitted. */
export const DEFAULT_RETRY_OPTIONS: ResolvedRetryOptions = { maxRetries: 3, baseDelay: 1000, backoffType: 'exponential' };

const BACKOFF_TYPES: readonly BackoffType[] = ['exponential', 'linear', 'constant'];

/** Fills in defaults and rejects values that cannot work, naming the field. */
export function resolveRetryOptions(options: RetryOptions | undefined, where: string): ResolvedRetryOptions {
  if (options === undefined || options === null) return DEFAULT_RETRY_OPTIONS;
  if (typeof options !== 'object') throw new ValidationError(`${where}: retryOptions must be an object`);
  const known = new Set(['maxRetries', 'baseDelay', 'backoffType']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new ValidationError(`${where}: unknown retry option '${key}' (use maxRetries, baseDelay, backoffType)`, 'UNKNOWN_FIELD');
    }
  }
  const resolved = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(options) };
  if (!Number.isInteger(resolved.maxRetries) || resolved.maxRetries < 0) {
    throw new ValidationError(`${where}: retryOptions.maxRetries must be a whole number >= 0, got ${String(resolved.maxRetries)}`);
  }
  if (!Number.isFinite(resolved.baseDelay) || resolved.baseDelay < 0) {
    throw new ValidationError(`${where}: retryOptions.baseDelay must be milliseconds >= 0, got ${String(resolved.baseDelay)}`);
  }
  if (!BACKOFF_TYPES.includes(resolved.backoffType)) {
    throw new ValidationError(
      `${where}: retryOptions.backoffType must be 'exponential', 'linear' or 'constant', got '${String(resolved.backoffType)}'`,
    );
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based), computed as
 * Workflows computes it: constant `d`, linear `d × attempt`, exponential `d × 2^(attempt − 1)`.
 */
export function retryDelayMs(baseDelay: number, backoff: BackoffType | undefined, attempt: number): number {
  switch (backoff) {
    case 'exponential':
      return baseDelay * 2 ** (attempt - 1);
    case 'linear':
      return baseDelay * attempt;
    default:
      return baseDelay;
  }
}
