import type { WorkflowSleepDuration, WorkflowStep, WorkflowStepConfig, WorkflowStepContext, WorkflowTimeoutDuration } from 'cloudflare:workers';
import type { RunTracker } from '../tracking/run-tracker.js';
import { isEngineAbort } from './guards.js';
import { durationToMs } from './retry-options.js';
import { retryDelayAfter, retryTime, stepRetryPolicy } from './retry-policy.js';

/** The `step` a `TrackedWorkflow` hands to `run()`: Cloudflare's `WorkflowStep`, plus the run's id. */
export interface TrackedStep extends WorkflowStep {
  /** The run's id (`event.instanceId`), so that code written as `step.instanceId` works. */
  readonly instanceId: string;
}

type Callback<T> = (ctx: WorkflowStepContext) => Promise<T>;

/**
 * Wraps Cloudflare's step so that each call is recorded by `tracker` and behaves exactly as the
 * original: same arguments, same results, same errors, same retries (Workflows' own).
 */
export function trackedStep(step: WorkflowStep, tracker: RunTracker): TrackedStep {
  function doStep<T>(name: string, configOrCallback: WorkflowStepConfig | Callback<T>, maybeCallback?: Callback<T>) {
    const config = typeof configOrCallback === 'function' ? undefined : configOrCallback;
    const callback = (typeof configOrCallback === 'function' ? configOrCallback : maybeCallback) as Callback<T>;
    if (typeof name !== 'string' || typeof callback !== 'function') {
      // Let Workflows reject the call with its own error.
      return (step.do as (...a: unknown[]) => Promise<T>)(name, configOrCallback, maybeCallback);
    }
    const { key, number } = tracker.nextStep(name);
    let ran = false;
    const wrapped: Callback<T> = (ctx) => {
      ran = true;
      const policy = stepRetryPolicy(ctx);
      return tracker.attempt(key, number, ctx.attempt, policy.limit, () => callback(ctx), (error) =>
        retryTime(retryDelayAfter(policy, ctx.attempt, error)),
      );
    };
    const promise = config === undefined ? step.do(name, wrapped as never) : step.do(name, config, wrapped as never);
    // Return Workflows' own promise (it carries rollback()); note cached results on the side.
    promise.then(
      (value) => (ran ? undefined : tracker.cachedStep(key, number, value)),
      () => undefined,
    );
    return promise;
  }

  async function pauseFor<T>(
    name: string,
    kind: 'sleep' | 'waitForEvent',
    until: Date | null,
    wait: () => Promise<T>,
    waitingFor?: string,
  ): Promise<T> {
    const { key, number } = tracker.nextStep(name);
    const recording = await tracker.pause(key, number, kind, until, waitingFor);
    try {
      const value = await wait();
      if (recording) tracker.resume(key, { value: kind === 'waitForEvent' ? value : undefined });
      return value;
    } catch (error) {
      // A pause or terminate during a sleep or a wait ends this invocation; the step goes on
      // (resume) or the run ends (terminate): neither is the step's outcome.
      if (recording && !isEngineAbort(error)) tracker.resume(key, { error });
      throw error;
    }
  }

  return {
    instanceId: tracker.runId,
    do: doStep as WorkflowStep['do'],
    sleep: (name: string, duration: WorkflowSleepDuration) =>
      pauseFor(name, 'sleep', new Date(Date.now() + durationToMs(duration)), () => step.sleep(name, duration)),
    sleepUntil: (name: string, timestamp: Date | number) =>
      pauseFor(name, 'sleep', new Date(timestamp), () => step.sleepUntil(name, timestamp)),
    waitForEvent: ((name: string, options: { type: string; timeout?: WorkflowTimeoutDuration | number }) =>
      pauseFor(
        name,
        'waitForEvent',
        options?.timeout === undefined ? null : new Date(Date.now() + durationToMs(options.timeout)),
        () => step.waitForEvent(name, options),
        options?.type,
      )) as WorkflowStep['waitForEvent'],
  } as TrackedStep;
}
