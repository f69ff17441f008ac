import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { waitForInstance } from '../helpers.js';
import { recordedWith as settled, startPlain as start } from './plain-runs.js';

describe('a plain WorkflowEntrypoint started through the service, with no Flowflare code', () => {
  it('is recorded from the engine: steps, attempts, retries, a sleep, a wait and outputs as values', async () => {
    const { workflowId } = await start({ failTimes: 2, sleepMs: 200, waitFor: 'go' });
    const instance = await env.PLAIN.get(workflowId);
    const waiting = await settled(workflowId, 'Waiting');
    expect(waiting.waiting_for).toBe('go');
    await instance.sendEvent({ type: 'go', payload: { by: 'ann' } });
    const engine = await waitForInstance(instance, ['complete', 'errored']);
    expect(engine.status).toBe('complete');

    const run = await settled(workflowId, 'Completed');
    expect(run.output_result).toEqual(engine.output);
    expect(run.output_result).toEqual({ fetched: { fetched: 3 }, flaky: { attempt: 3 }, received: { by: 'ann' } });
    expect(run.started_at).toBeTruthy();
    expect(run.completed_at).toBeTruthy();
    expect(run.steps.map((s) => [s.step_number, s.step_name, s.step_type, s.status])).toEqual([
      [1, 'fetch', 'do', 'Completed'],
      [2, 'flaky', 'do', 'Completed'],
      [3, 'nap', 'sleep', 'Completed'],
      [4, 'decision', 'waitForEvent', 'Completed'],
    ]);
    const [fetch, flaky] = run.steps;
    expect(fetch!.output_result).toEqual({ fetched: 3 });
    expect(flaky).toMatchObject({ attempts: 3, retry_count: 2, max_retries: 3, output_result: { attempt: 3 }, error: null });
    expect(flaky!.attempt_history.map((a) => [a.attempt, a.status, a.error?.message ?? null])).toEqual([
      [1, 'Failed', 'flaky attempt 1'],
      [2, 'Failed', 'flaky attempt 2'],
      [3, 'Completed', null],
    ]);
    expect(flaky!.attempt_history[0]!.next_retry_at).toBeTruthy();
    expect(flaky!.attempt_history.every((a) => a.duration_ms !== null && a.ended_at !== null)).toBe(true);
  });

  it('records a thrown error as Errored with the engine error', async () => {
    const { workflowId } = await start({ throwAtEnd: true });
    const instance = await env.PLAIN.get(workflowId);
    const engine = await waitForInstance(instance, ['errored', 'complete']);
    expect(engine.status).toBe('errored');
    const run = await settled(workflowId, 'Errored');
    expect(run.error).toEqual({ name: 'Error', message: 'the end is near' });
    expect(run.steps.map((s) => s.status)).toEqual(['Completed', 'Completed']);
  });
});
