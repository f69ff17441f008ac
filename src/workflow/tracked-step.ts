import type { WorkflowSleepDuration, WorkflowStep, WorkflowStepConfig, WorkflowStepContext, WorkflowTimeoutDuration } from 'cloudflare:workers';
import { durationMs } from './duration.js';

/** How long Workflows waits in `waitForEvent` when the step gives no timeout. */
export const DEFAULT_WAIT_TIMEOUT = '24 hours';

/** The `step` a `TrackedWorkflow` hands to `run()`: Cloudflare's `WorkflowStep`, plus the run's id. */
export interface TrackedStep extends WorkflowStep {
  /** The run's id (`event.instanceId`), so that code written as `step.instanceId` works. */
  readonly instanceId: string;
}

type Callback<T> = (ctx: WorkflowStepContext) => Promise<T>;

/** What the wrapped step tells the run's follower, without waiting for it. */
export interface StepSignals {
  /** A `waitForEvent` starts: its deadline, which the engine's own event does not carry. */
  waiting(stepName: string, stepCount: number, until: Date | null): void;
  /** A sleep or wait is over: the follower may be resting and should look again now. */
  resumed(): void;
  /** A `step.do` returned: for an outputs policy the follower cannot apply itself. */
  returned(stepName: string, stepCount: number, value: unknown): void;
  /** A `waitForEvent` received its event (the engine's event does not carry it). */
  received(stepName: string, stepCount: number, value: unknown): void;
}

/**
 * When a wait with `timeout` times out, or `null` (logged) for a timeout that cannot be read: the
 * wait is then recorded without its deadline, and the workflow goes on as Workflows decides.
 */
function deadline(name: string, timeout: unknown): Date | null {
  const ms = durationMs(timeout);
  const until = ms === null ? null : new Date(Date.now() + ms);
  if (until !== null && !Number.isNaN(until.getTime())) return until;
  console.warn(`[flowflare] waitForEvent '${name}': cannot read the timeout ${JSON.stringify(timeout)}; the wait is recorded without a deadline`);
  return null;
}

/**
 * Wraps Cloudflare's step so that `run()` also gets `step.instanceId`, and the run's follower hears
 * about what the engine's events do not say (a wait's deadline) or says late (the end of a rest).
 * Every call behaves exactly as the original: same arguments, results, errors and retries.
 */
export function trackedStep(step: WorkflowStep, instanceId: string, signals: StepSignals): TrackedStep {
  const counts = new Map<string, number>();
  const nextCount = (name: string) => {
    const count = (counts.get(name) ?? 0) + 1;
    counts.set(name, count);
    return count;
  };

  function doStep<T>(name: string, configOrCallback: WorkflowStepConfig | Callback<T>, maybeCallback?: Callback<T>) {
    const count = typeof name === 'string' ? nextCount(name) : 0;
    const promise = (step.do as (...a: unknown[]) => Promise<T>)(name, configOrCallback, maybeCallback);
    // Return Workflows' own promise (it carries rollback()); report the result on the side.
    promise.then(
      (value) => signals.returned(name, count, value),
      () => undefined,
    );
    return promise;
  }

  async function rest<T>(wait: () => Promise<T>): Promise<T> {
    const value = await wait();
    signals.resumed();
    return value;
  }

  return {
    instanceId,
    do: doStep as WorkflowStep['do'],
    sleep: (name: string, duration: WorkflowSleepDuration) => {
      nextCount(name);
      return rest(() => step.sleep(name, duration));
    },
    sleepUntil: (name: string, timestamp: Date | number) => {
      nextCount(name);
      return rest(() => step.sleepUntil(name, timestamp));
    },
    waitForEvent: (async (name: string, options: { type: string; timeout?: WorkflowTimeoutDuration | number }) => {
      const timeout = options?.timeout;
      const count = nextCount(name);
      // without a timeout, Workflows ends the wait after its default, 24 hours
      signals.waiting(name, count, deadline(name, timeout ?? DEFAULT_WAIT_TIMEOUT));
      const event = await step.waitForEvent(name, options);
      signals.received(name, count, event);
      return event;
    }) as WorkflowStep['waitForEvent'],
  } as TrackedStep;
}
