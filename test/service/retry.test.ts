import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/store/batch.js';
import { runTransition } from '../../src/ingest/transitions.js';
import type { StartResult } from '../../src/index.js';
import { eventually, newId, rows, waitForInstance } from '../helpers.js';
import { post, unique } from './api.js';

type ErrorBody = { error: { code: string; message: string } };

/** The params an instance was started with, as the Workflows engine tells them. */
async function engineParams(instance: WorkflowInstance): Promise<unknown> {
  const subscription = await instance.subscribe();
  try {
    for (;;) {
      const next = await subscription.next();
      if (next.done) throw new Error(`instance ${instance.id} has no workflow_started event`);
      if (next.value.type === 'workflow_started') return next.value.params;
    }
  } finally {
    subscription[Symbol.dispose]();
  }
}

async function storedInput(id: string): Promise<string | null> {
  const [run] = await rows<{ input_params: string | null }>('SELECT input_params FROM workflow_runs WHERE id = ?', id);
  return run?.input_params ?? null;
}

/** Starts a run that fails for good, and waits until it is recorded Errored with its input as the workflow stores it. */
async function failedRun(workflow: 'order' | 'quiet_order', binding: Workflow, params: Record<string, unknown>, stored: (input: string | null) => boolean) {
  const { status, body } = await post<StartResult>('/api/runs', { workflow, params, ref_type: 'shop', ref_id: unique('retry') });
  expect(status).toBe(201);
  await waitForInstance(await binding.get(body.workflowId), ['errored']);
  await eventually(async () => (await rows('SELECT 1 FROM workflow_runs WHERE id = ? AND status = ?', body.workflowId, 'Errored')).length > 0);
  await eventually(async () => stored(await storedInput(body.workflowId)));
  return body;
}

/** Records a run as the service would have, without any instance behind it. */
async function recordRun(id: string, workflow: string, fields: Record<string, string | null>): Promise<void> {
  const now = new Date().toISOString();
  await runBatch(env.DB, runTransition({ runId: id, workflow: { identity: { name: workflow, ref_type: null, ref_id: null } }, fields: { status: 'Errored', ...fields }, now }));
}

describe('retry runs a failed run again with the params it got', () => {
  it('even when the workflow stored its input redacted', async () => {
    const params = { apiToken: 'secret-1', fatal: true };
    const failed = await failedRun('order', env.ORDER, params, (input) => input !== null && !input.includes('secret-1'));
    expect(JSON.parse((await storedInput(failed.workflowId))!)).toEqual({ fatal: true, ref_type: 'shop', ref_id: failed.run.ref_id });

    const { status, body } = await post<StartResult>(`/api/runs/${failed.workflowId}/retry`, {});
    expect(status).toBe(201);
    expect(body.run.retry_of).toBe(failed.workflowId);
    const retried = await env.ORDER.get(body.workflowId);
    await waitForInstance(retried, ['errored']);
    expect(await engineParams(retried)).toEqual({ ...params, ref_type: 'shop', ref_id: failed.run.ref_id });
  });

  it("even when the workflow stored none of it (inputs: 'none')", async () => {
    const params = { apiToken: 'secret-2', fatal: true, chargeRetries: 0 };
    const failed = await failedRun('quiet_order', env.QUIET_ORDER, params, (input) => input === null);

    const { status, body } = await post<StartResult>(`/api/runs/${failed.workflowId}/retry`, {});
    expect(status).toBe(201);
    const retried = await env.QUIET_ORDER.get(body.workflowId);
    // with the params it got, the retry fails the same way (with `{}` it would complete)
    expect((await waitForInstance(retried, ['errored', 'complete'])).status).toBe('errored');
    expect(await engineParams(retried)).toEqual({ ...params, ref_type: 'shop', ref_id: failed.run.ref_id });
  });

  it('a run whose instance never started retries with the params the service recorded', async () => {
    const id = newId('never-started');
    await recordRun(id, 'control', { input_params: JSON.stringify({ note: 'again' }) });
    const { status, body } = await post<StartResult>(`/api/runs/${id}/retry`, {});
    expect(status).toBe(201);
    const retried = await env.CONTROL.get(body.workflowId);
    await waitForInstance(retried, ['complete']);
    expect(await engineParams(retried)).toEqual({ note: 'again' });
  });

  it('a run the engine no longer knows, that may have stored its input redacted, is refused with what to do', async () => {
    const id = newId('gone');
    await recordRun(id, 'order', { input_params: JSON.stringify({ fatal: true }), started_at: new Date().toISOString() });
    const { status, body } = await post<ErrorBody>(`/api/runs/${id}/retry`, {});
    expect(status).toBe(409);
    expect(body.error.code).toBe('CONFLICT');
    expect(body.error.message).toMatch(/cannot be retried with the params it got/);
    expect(body.error.message).toMatch(/start a new run with its params/);
    expect(await rows('SELECT id FROM workflow_runs WHERE retry_of = ?', id)).toEqual([]);
  });
});
