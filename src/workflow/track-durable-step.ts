import { NonRetryableError } from 'cloudflare:workflows';
import type { WorkflowStep, WorkflowStepConfig, WorkflowStepContext } from 'cloudflare:workers';
import { attemptFailed, attemptStarted, attemptSucceeded, type AttemptInfo } from '../ingest/attempts.js';
import { nowIso } from '../ingest/serialize.js';
import { writeAndPublish, writeTracking } from '../store/writer.js';
import { publisherFor } from '../live/publish.js';
import { followerOf } from '../engine/follow-request.js';
import { afterTrackingWrite } from './announce.js';
import {
  assertInstanceId,
  assertName,
  isNonRetryable,
  requireDb,
  withRetryInfo,
  type TrackingEnv,
} from './guards.js';
import { resolveRetryOptions, type RetryOptions } from './retry-options.js';
import { retryDelayAfter, retryTime, stepRetryPolicy } from './retry-policy.js';

/** Maps the seed's retry options onto a `step.do` config. */
export function toStepConfig(options: RetryOptions): WorkflowStepConfig {
  const resolved = resolveRetryOptions(options, 'trackDurableStep');
  return { retries: { limit: resolved.maxRetries, delay: resolved.baseDelay, backoff: resolved.backoffType } };
}

/**
 * Runs `fn` inside Workflows' `step.do` and tracks it: every attempt (numbered by Workflows), its
 * error, the time of the next retry, then Completed or Failed. Workflows does the retrying, durably;
 * `retryOptions` become the step's `retries` config (omitted: Workflows' defaults). A replayed
 * `run()` gets the cached result without calling `fn` and writes nothing, so no row is duplicated.
 *
 * Each attempt costs two D1 batches: the start record travels while `fn` runs, the end record is
 * written before the step's result is saved. Tracking never fails the step.
 *
 * The error a failed attempt throws carries `retryCount` (the coming retry) and `nextRetryAt`; the
 * error that finally comes out of `trackDurableStep` has `nextRetryAt: null`. An error with
 * `nonRetryable = true` fails the step at once.
 *
 * @param env the Worker's env, with the `DB` binding
 * @param instanceId the run's id: `event.instanceId`
 * @param step the `step` given to `run()`
 * @param stepName name of the step, unique in the run as for `step.do`
 * @param fn the work; its result must be serialisable, as for `step.do`
 * @param retryOptions `{ maxRetries, baseDelay, backoffType }`
 * @example
 * const sent = await trackDurableStep(this.env, event.instanceId, step, 'send-emails', () => send(), { maxRetries: 3, baseDelay: 5000 });
 */
export async function trackDurableStep<T extends Rpc.Serializable<T>>(
  env: TrackingEnv,
  instanceId: string,
  step: WorkflowStep,
  stepName: string,
  fn: (ctx: WorkflowStepContext) => T | Promise<T>,
  retryOptions?: RetryOptions,
): Promise<T> {
  assertInstanceId(instanceId, 'trackDurableStep');
  assertName(stepName, 'stepName', 'trackDurableStep');
  if (!step || typeof step.do !== 'function') {
    throw new TypeError('trackDurableStep: step must be the WorkflowStep given to run(event, step)');
  }
  if (typeof fn !== 'function') throw new TypeError('trackDurableStep: fn must be a function that does the step');
  const db = requireDb(env, 'trackDurableStep');
  const config = retryOptions === undefined ? undefined : toStepConfig(retryOptions);
  const sink = publisherFor(env);
  // With a follower the engine's own events record this step, its attempts and retries; the
  // helper only makes sure the run is followed. Without one, it records them itself.
  const followed = followerOf(env, instanceId) !== null;
  if (followed) await afterTrackingWrite(env, db, instanceId, null);
  let lastAttempt = 0;

  const callback = async (ctx: WorkflowStepContext): Promise<T> => {
    lastAttempt = ctx.attempt;
    if (followed) return runAttempt(ctx);
    const policy = stepRetryPolicy(ctx);
    const info: AttemptInfo = {
      key: { run_id: instanceId, step_name: stepName, step_count: ctx.step?.count ?? 1 },
      attempt: ctx.attempt,
      maxRetries: policy.limit,
      startedAt: nowIso(),
    };
    void writeTracking(db, attemptStarted(info), sink, instanceId);
    try {
      const result = await fn(ctx);
      await afterTrackingWrite(env, db, instanceId, await writeAndPublish(db, attemptSucceeded(info, result, nowIso()), sink, instanceId));
      return result;
    } catch (error) {
      const nextRetryAt = retryTime(retryDelayAfter(policy, ctx.attempt, error));
      await afterTrackingWrite(env, db, instanceId, await writeAndPublish(db, attemptFailed(info, error, nowIso(), nextRetryAt), sink, instanceId));
      throw attemptError(error, ctx.attempt, nextRetryAt);
    }
  };

  /** One attempt, for a followed run: the error carries the retry facts, nothing is written. */
  const runAttempt = async (ctx: WorkflowStepContext): Promise<T> => {
    try {
      return await fn(ctx);
    } catch (error) {
      throw attemptError(error, ctx.attempt, retryTime(retryDelayAfter(stepRetryPolicy(ctx), ctx.attempt, error)));
    }
  };

  try {
    return await (config === undefined ? step.do(stepName, callback) : step.do(stepName, config, callback));
  } catch (error) {
    throw withRetryInfo(error, { retryCount: Math.max(0, lastAttempt - 1), nextRetryAt: null });
  }
}

/** The error a failed attempt throws: with its retry facts, and non-retryable when it says so. */
function attemptError(error: unknown, attempt: number, nextRetryAt: string | null): Error {
  const tracked = withRetryInfo(error, { retryCount: nextRetryAt === null ? attempt - 1 : attempt, nextRetryAt });
  return isNonRetryable(error) && tracked.name !== 'NonRetryableError' ? new NonRetryableError(tracked.message, tracked.name) : tracked;
}
