import { attemptFailed, attemptStarted, attemptSucceeded, type AttemptInfo } from '../ingest/attempts.js';
import { nowIso } from '../ingest/serialize.js';
import { writeAndPublish, writeTracking } from '../store/writer.js';
import { publisherFor } from '../live/publish.js';
import { afterTrackingWrite } from './announce.js';
import {
  assertInstanceId,
  assertName,
  assertPositiveInt,
  requireDb,
  withRetryInfo,
  type TrackingEnv,
} from './guards.js';
import { resolveRetryOptions, type RetryOptions } from './retry-options.js';
import { optionsRetryPolicy, retryDelayAfter, retryTime } from './retry-policy.js';

/**
 * Runs `fn` as a tracked step: records it Running, each attempt with its error, each retry with the
 * time it is scheduled for, then Completed with the output or Failed. Retries happen in-process per
 * `retryOptions`; an error with `nonRetryable = true` is not retried. The error finally thrown carries
 * `retryCount` and `nextRetryAt` (`null`: no retry follows).
 *
 * Use it anywhere, including outside `step.do`. Inside a Workflow, prefer {@link trackDurableStep}:
 * a replayed `run()` calls `trackStep`'s `fn` again, while a durable step's result is cached.
 *
 * Tracking never breaks the step: if D1 fails, `fn` still runs and its result is returned; the record
 * is retried once, then kept and written with the next tracking write.
 *
 * @param env the Worker's env, with the `DB` binding
 * @param instanceId the run's id: `event.instanceId` (not `step.instanceId`)
 * @param stepName name of the step
 * @param stepNumber position of the step in the run (1, 2, …); with `stepName` it identifies the step
 * @param fn the work
 * @param retryOptions retries; defaults `{ maxRetries: 3, baseDelay: 1000, backoffType: 'exponential' }`
 * @example
 * const result = await trackStep(this.env, event.instanceId, 'send-emails', 2, () => send(), { maxRetries: 3, baseDelay: 5000 });
 */
export async function trackStep<T>(
  env: TrackingEnv,
  instanceId: string,
  stepName: string,
  stepNumber: number,
  fn: () => T | Promise<T>,
  retryOptions?: RetryOptions,
): Promise<T> {
  assertInstanceId(instanceId, 'trackStep');
  assertName(stepName, 'stepName', 'trackStep');
  assertPositiveInt(stepNumber, 'stepNumber', 'trackStep');
  if (typeof fn !== 'function') throw new TypeError('trackStep: fn must be a function that does the step');
  const options = resolveRetryOptions(retryOptions, 'trackStep');
  const db = requireDb(env, 'trackStep');

  const policy = optionsRetryPolicy(options);
  const sink = publisherFor(env);
  for (let attempt = 1; ; attempt++) {
    const info: AttemptInfo = {
      key: { run_id: instanceId, step_name: stepName, step_count: stepNumber },
      stepNumber,
      attempt,
      maxRetries: options.maxRetries,
      startedAt: nowIso(),
    };
    // The start record travels while fn runs; the end record follows it on the same lane.
    void writeTracking(db, attemptStarted(info), sink, instanceId);
    try {
      const result = await fn();
      await afterTrackingWrite(env, db, instanceId, await writeAndPublish(db, attemptSucceeded(info, result, nowIso()), sink, instanceId));
      return result;
    } catch (error) {
      const delay = retryDelayAfter(policy, attempt, error);
      await afterTrackingWrite(env, db, instanceId, await writeAndPublish(db, attemptFailed(info, error, nowIso(), retryTime(delay)), sink, instanceId));
      if (delay === null) throw withRetryInfo(error, { retryCount: attempt - 1, nextRetryAt: null });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
