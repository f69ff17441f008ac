import type { WorkflowStepContext } from 'cloudflare:workers';
import { isNonRetryable } from './guards.js';
import { durationToMs, retryDelayMs, type BackoffType, type ResolvedRetryOptions } from './retry-options.js';

/** Workflows' own step defaults, used when a `step.do` has no retry config. */
export const WORKFLOWS_DEFAULT_RETRIES = { limit: 5, delay: 10_000, backoff: 'exponential' } as const;

/** How a step is retried: retries after the first attempt, the base delay and its growth. */
export interface RetryPolicy {
  limit: number;
  delayMs: number;
  backoff: BackoffType | undefined;
}

/** The policy Workflows applies to a `step.do` attempt: its effective config, or the defaults. */
export function stepRetryPolicy(ctx: WorkflowStepContext): RetryPolicy {
  const retries = ctx.config?.retries ?? WORKFLOWS_DEFAULT_RETRIES;
  return { limit: retries.limit, delayMs: durationToMs(retries.delay), backoff: retries.backoff };
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

/** When the next attempt runs (ISO-8601), for a delay from {@link retryDelayAfter}. */
export function retryTime(delayMs: number | null): string | null {
  return delayMs === null ? null : new Date(Date.now() + delayMs).toISOString();
}
