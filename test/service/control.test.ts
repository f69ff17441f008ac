import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ControlResult, RunDetailResult, StartResult } from '../../src/index.js';
import { eventually, rows, waitForInstance } from '../helpers.js';
import { apiJson, post, unique } from './api.js';

async function start(params: Record<string, unknown>): Promise<StartResult> {
  const { status, body } = await post<StartResult>('/api/runs', { workflow: 'control', params, ref_type: 'test', ref_id: unique('ctl') });
  expect(status).toBe(201);
  return body;
}

async function recorded(id: string): Promise<RunDetailResult> {
  return (await apiJson<RunDetailResult>(`/api/runs/${id}`)).body;
}

/**
 * Waits until the run has recorded that it waits for its event, so that an action lands on a run
 * at rest rather than in the middle of one of its own tracking writes.
 */
async function untilWaiting(id: string): Promise<void> {
  await eventually(async () => (await recorded(id)).status === 'Waiting');
}

async function controlEvents(id: string): Promise<string[]> {
  const events = await rows<{ data: string }>("SELECT data FROM workflow_events WHERE run_id = ? AND kind = 'control' ORDER BY id", id);
  return events.map((e) => (JSON.parse(e.data) as { action: string }).action);
}

describe('control actions change the real instance and the recorded status', () => {
  it('pause, then resume', async () => {
    const { workflowId } = await start({ waitForEvent: true });
    const instance = await env.CONTROL.get(workflowId);
    await untilWaiting(workflowId);

    const paused = await post<ControlResult>(`/api/runs/${workflowId}/pause`, {});
    expect(paused.status).toBe(200);
    expect(paused.body.run.status).toBe('Paused');
    await waitForInstance(instance, ['paused', 'waitingForPause']);

    const resumed = await post<ControlResult>(`/api/runs/${workflowId}/resume`, {});
    expect(resumed.status).toBe(200);
    // resumed, the run is back in its wait for the event, as the engine says
    expect(resumed.body.run.status).toBe('Waiting');
    const after = await waitForInstance(instance, ['running', 'waiting', 'queued']);
    expect(['running', 'waiting', 'queued']).toContain(after.status);
    expect(await controlEvents(workflowId)).toEqual(['pause', 'resume']);
  });

  it('terminate', async () => {
    const { workflowId } = await start({ waitForEvent: true });
    const instance = await env.CONTROL.get(workflowId);
    await untilWaiting(workflowId);
    const { status, body } = await post<ControlResult>(`/api/runs/${workflowId}/terminate`, {});
    expect(status).toBe(200);
    expect(body.run.status).toBe('Terminated');
    expect(body.run.completed_at).toBeTruthy();
    await waitForInstance(instance, ['terminated']);
    expect((await recorded(workflowId)).status).toBe('Terminated');
    // Terminating again is refused by Cloudflare: a 409 with the reason.
    const again = await post<{ error: { code: string } }>(`/api/runs/${workflowId}/terminate`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it('send an event: the waiting run receives it and completes', async () => {
    const { workflowId } = await start({ waitForEvent: true });
    const instance = await env.CONTROL.get(workflowId);
    await untilWaiting(workflowId);
    const { status, body } = await post<ControlResult>(`/api/runs/${workflowId}/events`, { type: 'approval', payload: { approvedBy: 'ana' } });
    expect(status).toBe(200);
    expect(body.action).toBe('event');
    const done = await waitForInstance(instance, ['complete']);
    expect(done.output).toEqual({ received: { approvedBy: 'ana' } });
    await eventually(async () => (await recorded(workflowId)).status === 'Completed');
    expect((await recorded(workflowId)).output_result).toEqual({ received: { approvedBy: 'ana' } });
    expect(await controlEvents(workflowId)).toEqual(['event']);
  });

  it('restart: the same instance runs again from the start', async () => {
    const { workflowId } = await start({ waitForEvent: true });
    const instance = await env.CONTROL.get(workflowId);
    await untilWaiting(workflowId);
    const { status, body } = await post<ControlResult>(`/api/runs/${workflowId}/restart`, {});
    expect(status).toBe(200);
    // the answer has the restarted run as the engine has it by then: queued again, or already back in its wait
    expect(['Queued', 'Running', 'Waiting']).toContain(body.run.status);
    expect(body.run.completed_at).toBeNull();
    // It comes back to waiting for the event, then completes when it gets one.
    await eventually(async () => ['waiting', 'running'].includes((await instance.status()).status));
    await eventually(async () => (await recorded(workflowId)).status === 'Waiting');
    await post(`/api/runs/${workflowId}/events`, { type: 'approval', payload: { approvedBy: 'bo' } });
    await waitForInstance(instance, ['complete']);
    expect(await controlEvents(workflowId)).toEqual(['restart', 'event']);
  });

  it('restart of a finished TrackedWorkflow run records the new execution, not the old one', async () => {
    const { body: started } = await post<StartResult>('/api/runs', { workflow: 'order', params: { chargeFailures: 1, chargeRetries: 2 } });
    await waitForInstance(await env.ORDER.get(started.workflowId), ['complete']);
    await eventually(async () => (await recorded(started.workflowId)).status === 'Completed');
    const restartedAt = new Date().toISOString();
    const { status } = await post<ControlResult>(`/api/runs/${started.workflowId}/restart`, {});
    expect(status).toBe(200);
    await eventually(async () => {
      const run = await recorded(started.workflowId);
      return run.status === 'Completed' && run.steps.length === 3;
    });
    const run = await recorded(started.workflowId);
    expect(run.steps.map((s) => [s.step_name, s.status, s.attempts])).toEqual([
      ['reserve', 'Completed', 1],
      ['charge', 'Completed', 2],
      ['ship', 'Completed', 1],
    ]);
    expect(run.steps[1]?.attempt_history.map((a) => a.attempt)).toEqual([1, 2]);
    // Every step and attempt row was written by the new execution: nothing of the old one is left.
    expect(run.steps.every((s) => s.created_at >= restartedAt)).toBe(true);
    expect(run.steps.flatMap((s) => s.attempt_history).every((a) => a.created_at >= restartedAt)).toBe(true);
  });

  it('retry a failed run as a new run with the same inputs', async () => {
    const failed = await start({ fail: true });
    await waitForInstance(await env.CONTROL.get(failed.workflowId), ['errored']);
    await eventually(async () => (await recorded(failed.workflowId)).status === 'Errored');
    const { status, body } = await post<StartResult>(`/api/runs/${failed.workflowId}/retry`, {});
    expect(status).toBe(201);
    expect(body.workflowId).not.toBe(failed.workflowId);
    expect(body.run.retry_of).toBe(failed.workflowId);
    expect(body.run.input_params).toEqual(failed.run.input_params);
    expect(body.run.ref_id).toBe(failed.run.ref_id);
    // The new instance really runs with the same params (and fails the same way).
    await waitForInstance(await env.CONTROL.get(body.workflowId), ['errored']);

    // A workflow with a strict params schema retries too: the stored payload's merged refs are
    // not sent back as params.
    const strict = await post<StartResult>('/api/runs', {
      workflow: 'helpers',
      params: { failTimes: 9, nonRetryable: true, rethrow: true },
      ref_type: 'test',
      ref_id: 'strict-retry',
    });
    expect(strict.status).toBe(201);
    await eventually(async () => (await recorded(strict.body.workflowId)).status === 'Errored');
    const again = await post<StartResult>(`/api/runs/${strict.body.workflowId}/retry`, {});
    expect(again.status).toBe(201);
    expect(again.body.run.input_params).toEqual({ failTimes: 9, nonRetryable: true, rethrow: true, ref_id: 'strict-retry', ref_type: 'test' });

    // A run that did not fail cannot be retried.
    const ok = await start({});
    await waitForInstance(await env.CONTROL.get(ok.workflowId), ['complete']);
    const refused = await post<{ error: { code: string; message: string } }>(`/api/runs/${ok.workflowId}/retry`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/only Errored or Terminated/);
  });
});
