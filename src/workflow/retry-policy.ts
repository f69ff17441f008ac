import type { WorkflowStepContext } from 'cloudflare:workers';
import { isNonRetryable } from './guards.js';
import { durationMs } from './duration.js';
import { retryDelayMs, type BackoffType, type ResolvedRetryOptions } from './retry-options.js';

/** Workflows' own step defaults, used when a `step.do` has no retry config. */
export const WORKFLOWS_DEFAULT_RETRIES = { limit: 5, delay: 10_000, backoff: 'exponential' } as const;

/** How a step is retried: retries after the first attempt, the base delay and its growth. */
export interface RetryPolicy {
  limit: number;
  delayMs: number;
  backoff: BackoffType | undefined;
}

/**
 * The policy Workflows applies to a `step.do` attempt: its effective config, or the defaults. A
 * delay that cannot be read (a delay function, which the engine keeps to itself) counts as none:
 * the retry is recorded as due at once rather than failing the step.
 */
export function stepRetryPolicy(ctx: WorkflowStepContext): RetryPolicy {
  const retries = ctx.config?.retries ?? WORKFLOWS_DEFAULT_RETRIES;
  const delayMs = durationMs(retries.delay);
  if (delayMs === null && (typeof retries.delay === 'string' || typeof retries.delay === 'number')) {
    console.warn(`[flowflare] cannot read the retry delay ${JSON.stringify(retries.delay)}; retries are recorded as due at once`);
  }
  return { limit: retries.limit, delayMs: delayMs ?? 0, backoff: retries.backoff };
}

/** The policy of the seed's retry options. */
export function optionsRetryPolicy(options: ResolvedRetryOptions): RetryPolicy {
  return { limit: options.maxRetries, delayMs: options.baseDelay, backoff: options.backoffType };
}

/**
 * Milliseconds until the attempt after failed attempt `attempt` (1-based), or `null` when none
 * follows: the error is non-retryable or the retries are used up.
 */
export function retryDelayAfter(policy: RetryPolicy, attempt: number, error: unknown): number | null {
  if (isNonRetryable(error) || attempt > policy.limit) return null;
  return retryDelayMs(policy.delayMs, policy.backoff, attempt);
}

/** Latest time a `Date` holds, in epoch milliseconds. */
const MAX_TIME_MS = 8.64e15;

/** When the next attempt runs (ISO-8601), for a delay from {@link retryDelayAfter}; a delay past any date is the last date. */
export function retryTime(delayMs: number | null): string | null {
  return delayMs === null ? null : new Date(Math.min(Date.now() + delayMs, MAX_TIME_MS)).toISOString();
}
