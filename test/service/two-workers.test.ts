import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ByRefResult, RunDetailResult } from '../../src/index.js';
import { eventually } from '../helpers.js';
import { clientValue } from './api.js';

describe("the README's client sample, run in a separate Worker through a service binding", () => {
  it('starts email_campaign with its refs and metadata, and reads it back until it completes', async () => {
    const response = await env.CLIENT_WORKER.fetch('https://client.example/sample');
    expect(response.status).toBe(200);
    const first = (await response.json()) as RunDetailResult;

    // getWorkflow(result.workflowId) answered right after the start: the run, not yet finished.
    expect(first.workflow_name).toBe('email_campaign');
    expect(first.ref_id).toBe('campaign-123');
    expect(first.ref_type).toBe('campaign');
    expect(['Queued', 'Running']).toContain(first.status);
    expect(first.workflow).toMatchObject({ name: 'email_campaign', ref_id: 'campaign-123', ref_type: 'campaign' });
    // The workflow received the payload with the refs merged in, as the seed's workflow reads them.
    expect(first.input_params).toEqual({
      recipients: ['user@example.com'],
      subject: 'Hello',
      body: 'Test email',
      ref_id: 'campaign-123',
      ref_type: 'campaign',
    });

    const done = await eventually(async () => {
      const run = await clientValue<RunDetailResult>('getWorkflow', [first.id]);
      return run.status === 'Completed' ? run : null;
    });
    expect(done.output_result).toEqual({ success: true, sent: 1 });
    // The workflow itself stored JSON.stringify(event.payload) as input_params: it got the refs.
    expect(done.input_params).toMatchObject({ ref_id: 'campaign-123', ref_type: 'campaign', subject: 'Hello' });
    expect(done.steps.map((s) => [s.step_name, s.status, s.attempts])).toEqual([
      ['validate-recipients', 'Completed', 1],
      ['send-emails', 'Completed', 1],
    ]);
    expect(done.steps[1]?.attempt_history.map((a) => [a.attempt, a.status])).toEqual([[1, 'Completed']]);
    // The start's metadata survives the workflow adding its own.
    expect(done.metadata).toEqual({
      triggeredBy: 'user@example.com',
      source: 'email-workflow',
      department: 'marketing',
    });

    // The real instance agrees.
    const instance = await env.EMAIL_CAMPAIGN.get(first.id);
    expect((await instance.status()).status).toBe('complete');

    const byRef = await clientValue<ByRefResult>('getWorkflowsByRef', [{ ref_id: 'campaign-123', ref_type: 'campaign' }]);
    expect(byRef.workflows.map((w) => w.name)).toContain('email_campaign');
    const workflow = byRef.workflows.find((w) => w.name === 'email_campaign');
    expect(workflow?.run_count).toBeGreaterThanOrEqual(1);
    expect(byRef.runs.map((r) => r.id)).toContain(first.id);
  });
});
