import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ControlResult } from '../../src/index.js';
import { waitForInstance } from '../helpers.js';
import { post } from '../service/api.js';
import { recorded, recordedWith as recordedAs, startPlain as start } from './plain-runs.js';

describe('control answers from the engine', () => {
  it('refuses to pause, resume, terminate or send an event to a finished run, and leaves its record alone', async () => {
    const { workflowId } = await start({});
    const instance = await env.PLAIN.get(workflowId);
    expect((await waitForInstance(instance, ['complete', 'errored'])).status).toBe('complete');
    const done = await recordedAs(workflowId, 'Completed');

    for (const [path, body] of [['pause', {}], ['resume', {}], ['terminate', {}], ['events', { type: 'go', payload: null }]] as const) {
      const answer = await post<{ error: { code: string; message: string } }>(`/api/runs/${workflowId}/${path}`, body);
      expect(answer.status, path).toBe(409);
      expect(answer.body.error.message, path).toMatch(/it has finished \(Cloudflare Workflows reports it complete\)/);
    }
    const after = await recorded(workflowId);
    expect(after.status).toBe('Completed');
    expect(after.completed_at).toBe(done.completed_at);
    expect((await instance.status()).status).toBe('complete');
  });

  it('refuses to resume a run that is not paused', async () => {
    const { workflowId } = await start({ waitFor: 'go' });
    await recordedAs(workflowId, 'Waiting');
    const answer = await post<{ error: { message: string } }>(`/api/runs/${workflowId}/resume`, {});
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/it is not paused/);
    await (await env.PLAIN.get(workflowId)).terminate();
  });

  it('records control done outside Flowflare: pause, resume and terminate through the binding', async () => {
    const { workflowId } = await start({ waitFor: 'go' });
    const instance = await env.PLAIN.get(workflowId);
    await recordedAs(workflowId, 'Waiting');

    await instance.pause();
    await waitForInstance(instance, ['paused']);
    // the follower rests while the run waits; a request through the service (here a read of
    // the run through sync) is not needed: the backstop or the next event brings it. Ask it now:
    await env.WORKFLOW_TRACKER.get(env.WORKFLOW_TRACKER.idFromName(`follow:${workflowId}`)).sync();
    expect((await recorded(workflowId)).status).toBe('Paused');

    await instance.resume();
    await instance.terminate();
    await waitForInstance(instance, ['terminated']);
    await env.WORKFLOW_TRACKER.get(env.WORKFLOW_TRACKER.idFromName(`follow:${workflowId}`)).sync();
    const run = await recordedAs(workflowId, 'Terminated');
    expect(run.completed_at).toBeTruthy();
    expect(run.steps.find((s) => s.step_name === 'decision')?.status).toBe('Waiting');
  });

  it('records a run terminated outside Flowflare while it runs, without being asked', async () => {
    const { workflowId } = await start({ sleepMs: 300, waitFor: 'go' });
    const instance = await env.PLAIN.get(workflowId);
    await recordedAs(workflowId, 'Sleeping');
    await instance.terminate();
    await waitForInstance(instance, ['terminated']);
    // the follower wakes at the sleep's end and finds the run terminated
    await recordedAs(workflowId, 'Terminated');
  });

  it('a pause through the service is answered with the engine-recorded status', async () => {
    const { workflowId } = await start({ waitFor: 'go' });
    await recordedAs(workflowId, 'Waiting');
    const paused = await post<ControlResult>(`/api/runs/${workflowId}/pause`, {});
    expect(paused.status).toBe(200);
    expect(paused.body.run.status).toBe('Paused');
    const resumed = await post<ControlResult>(`/api/runs/${workflowId}/resume`, {});
    // back in its wait, and the record says for what
    expect(resumed.body.run).toMatchObject({ status: 'Waiting', waiting_for: 'go' });
    const sent = await post<ControlResult>(`/api/runs/${workflowId}/events`, { type: 'go', payload: { ok: 1 } });
    expect(sent.status).toBe(200);
    const run = await recordedAs(workflowId, 'Completed');
    expect(run.output_result).toMatchObject({ received: { ok: 1 } });
  });
});
