import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { trackStep, type TrackedStepError } from '../../src/workflow/index.js';
import type { HelpersParams } from '../fixtures/helpers-workflow.js';
import { newId, recordedAs, rows, waitForInstance } from '../helpers.js';

interface AttemptRow {
  attempt: number;
  status: string;
  error: string | null;
  ended_at: string | null;
  next_retry_at: string | null;
}

async function runHelpers(params: HelpersParams) {
  const id = newId('helpers');
  const instance = await env.HELPERS.create({ id, params });
  const status = await waitForInstance(instance, ['complete', 'errored']);
  const attempts = await rows<AttemptRow>(
    'SELECT attempt, status, error, ended_at, next_retry_at FROM workflow_step_retries WHERE run_id = ? ORDER BY attempt',
    id,
  );
  const [step] = await rows<Record<string, unknown>>('SELECT * FROM workflow_steps WHERE run_id = ?', id);
  return { id, status, attempts, step };
}

/** Milliseconds between a failed attempt's end and the retry it scheduled. */
function scheduledDelays(attempts: AttemptRow[]): number[] {
  return attempts
    .filter((a) => a.next_retry_at)
    .map((a) => Date.parse(String(a.next_retry_at)) - Date.parse(String(a.ended_at)));
}

describe('trackStep', () => {
  it('retries a flaky step and records every attempt; it succeeds on the 3rd', async () => {
    const { status, attempts, step } = await runHelpers({
      failTimes: 2,
      retryOptions: { maxRetries: 3, baseDelay: 40, backoffType: 'exponential' },
    });
    expect(status.output).toEqual({ calls: 3 });
    expect(step).toMatchObject({ step_name: 'flaky', step_number: 1, status: 'Completed', attempts: 3, retry_count: 2, max_retries: 3, error: null, next_retry_at: null });
    expect(JSON.parse(String(step?.output_result))).toEqual({ calls: 3 });
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'Failed'],
      [2, 'Failed'],
      [3, 'Completed'],
    ]);
    expect(JSON.parse(String(attempts[0]?.error))).toEqual({ name: 'Error', message: 'attempt 1 failed' });
    // exponential: 40 ms, then 80 ms (the retry time is computed when the attempt fails)
    const delays = scheduledDelays(attempts);
    expect(delays[0]).toBeGreaterThanOrEqual(39);
    expect(delays[0]).toBeLessThan(60);
    expect(delays[1]).toBeGreaterThanOrEqual(79);
    expect(delays[1]).toBeLessThan(100);
  });

  it('spaces linear retries by baseDelay × attempt', async () => {
    const { attempts } = await runHelpers({ failTimes: 3, retryOptions: { maxRetries: 3, baseDelay: 30, backoffType: 'linear' } });
    expect(attempts.map((a) => a.status)).toEqual(['Failed', 'Failed', 'Failed', 'Completed']);
    const delays = scheduledDelays(attempts);
    expect(delays.map((d) => Math.round(d / 30))).toEqual([1, 2, 3]);
  });

  it('spaces constant retries by baseDelay', async () => {
    const { attempts } = await runHelpers({ failTimes: 2, retryOptions: { maxRetries: 2, baseDelay: 30, backoffType: 'constant' } });
    expect(scheduledDelays(attempts).map((d) => Math.round(d / 30))).toEqual([1, 1]);
  });

  it('does not retry an error marked nonRetryable', async () => {
    const { status, attempts, step } = await runHelpers({
      failTimes: 5,
      nonRetryable: true,
      retryOptions: { maxRetries: 3, baseDelay: 10 },
    });
    expect(status.output).toEqual({ message: 'attempt 1 failed', retryCount: 0, nextRetryAt: null, calls: 1 });
    expect(step).toMatchObject({ status: 'Failed', attempts: 1, retry_count: 0 });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: 'Failed', next_retry_at: null });
  });

  it('gives up after maxRetries; the error carries retryCount and nextRetryAt', async () => {
    const { id, status, attempts, step } = await runHelpers({ failTimes: 9, retryOptions: { maxRetries: 2, baseDelay: 10 } });
    expect(status.output).toEqual({ message: 'attempt 3 failed', retryCount: 2, nextRetryAt: null, calls: 3 });
    expect(step).toMatchObject({ status: 'Failed', attempts: 3, retry_count: 2 });
    expect(JSON.parse(String(step?.error))).toEqual({ name: 'Error', message: 'attempt 3 failed' });
    expect(attempts.map((a) => a.status)).toEqual(['Failed', 'Failed', 'Failed']);
    expect(attempts[2]?.next_retry_at).toBeNull();
    // the workflow caught the error and returned: the engine completed the run, so the run is
    // Completed; the error the workflow recorded with updateWorkflowRun is kept beside it
    await recordedAs(id, 'Completed');
    const [run] = await rows<Record<string, unknown>>('SELECT status, error FROM workflow_runs WHERE id = ?', id);
    expect(run?.status).toBe('Completed');
    expect(JSON.parse(String(run?.error))).toEqual({ name: 'Error', message: 'attempt 3 failed' });
  });

  it('still runs the step and returns its result while D1 fails; the records arrive afterwards', async () => {
    // The first two batches fail: the start record fails twice (write + its one retry) and is kept;
    // the end record's write then carries both.
    const { status, attempts, step } = await runHelpers({ dbFailures: 2 });
    expect(status.status).toBe('complete');
    expect(status.output).toEqual({ calls: 1 });
    expect(step).toMatchObject({ status: 'Completed', attempts: 1 });
    expect(attempts.map((a) => a.status)).toEqual(['Completed']);
  });
});

describe('trackStep rejects bad input at once, with a message that says what to pass', () => {
  const work = async () => 1;

  it("names event.instanceId when given the seed's step.instanceId (undefined)", async () => {
    const step = {} as { instanceId?: string };
    await expect(trackStep(env, step.instanceId as string, 'a', 1, work)).rejects.toThrow(/instanceId is undefined\. Pass event\.instanceId/);
    await expect(trackStep(env, 42 as unknown as string, 'a', 1, work)).rejects.toMatchObject({ code: 'INVALID_INSTANCE_ID' });
  });

  it('rejects a bad step name, step number, function and retry options', async () => {
    await expect(trackStep(env, 'run', '', 1, work)).rejects.toThrow(/stepName must be a non-empty string/);
    await expect(trackStep(env, 'run', 'a', 0, work)).rejects.toThrow(/stepNumber must be a whole number >= 1/);
    await expect(trackStep(env, 'run', 'a', 1, 'nope' as unknown as () => number)).rejects.toThrow(/fn must be a function/);
    await expect(trackStep(env, 'run', 'a', 1, work, { maxRetries: -1 })).rejects.toThrow(/maxRetries must be a whole number >= 0/);
    await expect(trackStep(env, 'run', 'a', 1, work, { backoffType: 'fibonacci' as 'linear' })).rejects.toThrow(/backoffType must be/);
    await expect(trackStep(env, 'run', 'a', 1, work, { retries: 3 } as object)).rejects.toThrow(/unknown retry option 'retries'/);
  });

  it('says how to bind D1 when env has no DB', async () => {
    await expect(trackStep({} as typeof env, 'run', 'a', 1, work)).rejects.toThrow(/env\.DB is not a D1 binding/);
  });

  it('writes nothing for rejected calls', async () => {
    await trackStep(env, 'run', '', 1, work).catch(() => undefined);
    expect(await rows("SELECT * FROM workflow_steps WHERE run_id = 'run'")).toEqual([]);
  });

  it('works outside a Workflow too, and the thrown error carries retry facts', async () => {
    const id = newId('direct');
    let calls = 0;
    const error = (await trackStep(env, id, 'x', 1, () => {
      calls++;
      throw new Error('nope');
    }, { maxRetries: 1, baseDelay: 5 }).catch((e: unknown) => e)) as TrackedStepError;
    expect(calls).toBe(2);
    expect(error.message).toBe('nope');
    expect(error.retryCount).toBe(1);
    expect(error.nextRetryAt).toBeNull();
  });
});
