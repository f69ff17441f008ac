import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { BatchStartResult, StartResult } from '../../src/index.js';
import { rows, waitForInstance } from '../helpers.js';
import { apiJson, post, unique, viaClient } from './api.js';

type ErrorBody = { error: { code: string; message: string } };

describe('start by name', () => {
  it('registers the workflow, counts the run, stores metadata, and creates the instance with params and refs', async () => {
    const ref = unique('order');
    const { status, body } = await post<StartResult>('/api/runs', {
      workflow: 'control',
      params: { note: 'hi' },
      ref_id: ref,
      ref_type: 'order',
      metadata: { triggeredBy: 'ana', priority: 2 },
    });
    expect(status).toBe(201);
    expect(body.created).toBe(true);
    expect(body.run).toMatchObject({ id: body.workflowId, workflow_name: 'control', status: 'Queued', ref_id: ref, ref_type: 'order' });
    expect(body.run.metadata).toEqual({ triggeredBy: 'ana', priority: 2 });
    const instance = await env.CONTROL.get(body.workflowId);
    await waitForInstance(instance, ['complete']);
    const [workflow] = await rows<{ run_count: number; last_run_id: string; metadata: string }>(
      "SELECT run_count, last_run_id, metadata FROM workflow WHERE name = 'control' AND ref_type = 'order' AND ref_id = ?",
      ref,
    );
    expect(workflow).toMatchObject({ run_count: 1, last_run_id: body.workflowId });
    expect(JSON.parse(workflow!.metadata)).toEqual({ triggeredBy: 'ana', priority: 2 });
    // The payload the workflow got is what the run records as input_params.
    expect(body.run.input_params).toEqual({ note: 'hi', ref_id: ref, ref_type: 'order' });
  });

  it('an unknown name is a 404 that lists the names that exist', async () => {
    const { status, body } = await post<ErrorBody>('/api/runs', { workflow: 'nope' });
    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toContain("Unknown workflow 'nope'");
    for (const name of ['control', 'durable', 'email_campaign', 'helpers', 'mailer']) expect(body.error.message).toContain(name);
  });

  it('an explicit name → binding map starts through the mapped binding', async () => {
    const { status, body } = await post<StartResult>('/api/runs', {
      workflow: 'mailer',
      params: { recipients: ['a@example.com'], subject: 's', body: 'b' },
    });
    expect(status).toBe(201);
    const done = await waitForInstance(await env.EMAIL_CAMPAIGN.get(body.workflowId), ['complete']);
    expect(done.output).toEqual({ success: true, sent: 1 });
    expect(body.run.workflow_name).toBe('mailer');
  });

  it('a repeated start with the same idempotency key returns the same run', async () => {
    const key = unique('idem');
    const first = await post<StartResult>('/api/runs', { workflow: 'control', idempotency_key: key });
    const second = await post<StartResult>('/api/runs', { workflow: 'control', idempotency_key: key, params: { other: true } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.created).toBe(false);
    expect(second.body.workflowId).toBe(first.body.workflowId);
    const runs = await rows('SELECT id FROM workflow_runs WHERE idempotency_key = ?', key);
    expect(runs).toHaveLength(1);
    // Concurrent repeats also give one run.
    const key2 = unique('idem');
    const results = await Promise.all([1, 2, 3].map(() => post<StartResult>('/api/runs', { workflow: 'control', idempotency_key: key2 })));
    expect(new Set(results.map((r) => r.body.workflowId)).size).toBe(1);
    expect(await rows('SELECT id FROM workflow_runs WHERE idempotency_key = ?', key2)).toHaveLength(1);
  });

  it('a caller-chosen id that exists is a 409', async () => {
    const id = unique('fixed');
    expect((await post('/api/runs', { workflow: 'control', id })).status).toBe(201);
    const again = await post<ErrorBody>('/api/runs', { workflow: 'control', id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
  });

  it("a workflow's params schema is checked at start: 400 naming the fields", async () => {
    const bad = await post<ErrorBody>('/api/runs', { workflow: 'helpers', params: { failTimes: 'two', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('failTimes');
    expect(bad.body.error.message).toContain("'extra'");
    const good = await post<StartResult>('/api/runs', { workflow: 'helpers', params: { failTimes: 0 } });
    expect(good.status).toBe(201);
    await waitForInstance(await env.HELPERS.get(good.body.workflowId), ['complete']);
  });

  it('a batch start creates up to 100 runs with createBatch, across workflows', async () => {
    const ref = unique('batch');
    const runs = [
      ...Array.from({ length: 3 }, (_, i) => ({ workflow: 'control', params: { n: i }, ref_type: 'batch', ref_id: ref })),
      { workflow: 'mailer', params: { recipients: ['x@example.com'], subject: 's', body: 'b' }, ref_type: 'batch', ref_id: ref },
    ];
    const { status, body } = await post<BatchStartResult>('/api/runs/batch', { runs });
    expect(status).toBe(201);
    expect(body.results).toHaveLength(4);
    expect(body.results.every((r) => r.created && r.run.status === 'Queued')).toBe(true);
    await Promise.all(
      body.results.map(async (r, i) => waitForInstance(await (i < 3 ? env.CONTROL : env.EMAIL_CAMPAIGN).get(r.workflowId), ['complete'])),
    );
    const [control] = await rows<{ run_count: number }>("SELECT run_count FROM workflow WHERE name = 'control' AND ref_id = ?", ref);
    expect(control?.run_count).toBe(3);

    const tooMany = await post<ErrorBody>('/api/runs/batch', { runs: Array.from({ length: 101 }, () => ({ workflow: 'control' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/at most 100/);
    const empty = await post<ErrorBody>('/api/runs/batch', { runs: [] });
    expect(empty.status).toBe(400);
  });

  it('a batch repeats idempotent runs without starting them again', async () => {
    const key = unique('bidem');
    const once = await post<BatchStartResult>('/api/runs/batch', { runs: [{ workflow: 'control', idempotency_key: key }] });
    const twice = await post<BatchStartResult>('/api/runs/batch', {
      runs: [{ workflow: 'control', idempotency_key: key }, { workflow: 'control' }],
    });
    expect(twice.body.results[0]?.workflowId).toBe(once.body.results[0]?.workflowId);
    expect(twice.body.results[0]?.created).toBe(false);
    expect(twice.body.results[1]?.created).toBe(true);
  });

  it('the client starts with an idempotency key and in batches too', async () => {
    const key = unique('cidem');
    const a = await viaClient<StartResult>('startWorkflow', ['control', {}, null, null, null, { idempotencyKey: key }]);
    const b = await viaClient<StartResult>('startWorkflow', ['control', {}, null, null, null, { idempotencyKey: key }]);
    expect(b.value?.workflowId).toBe(a.value?.workflowId);
    const batch = await viaClient<BatchStartResult>('startWorkflows', [[{ workflow: 'control' }, { workflow: 'control' }]]);
    expect(batch.value?.results).toHaveLength(2);
    const names = await viaClient<{ names: string[] }>('listWorkflowNames');
    expect(names.value?.names).toEqual(['control', 'durable', 'email_campaign', 'helpers', 'mailer', 'order', 'plain', 'quiet_order', 'seed_style']);
  });

  it('GET /api/workflows/names lists what can be started', async () => {
    const { body } = await apiJson<{ names: string[] }>('/api/workflows/names');
    expect(body.names).toContain('email_campaign');
  });
});
