import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { followedToEnd, isSubsequence, newId, rows, waitForInstance } from '../helpers.js';

describe("the README's EmailCampaignWorkflow sample, run as a real Workflow", () => {
  it('records the workflow, the run, both steps and their events', async () => {
    const id = newId('email');
    const payload = {
      ref_id: 'campaign-123',
      ref_type: 'campaign',
      recipients: ['a@example.com', 'b@example.com'],
      subject: 'Hello',
      body: 'Test email',
    };
    const instance = await env.EMAIL_CAMPAIGN.create({ id, params: payload });
    const status = await waitForInstance(instance, ['complete', 'errored']);
    expect(status.status).toBe('complete');
    expect(status.output).toEqual({ success: true, sent: 2 });
    await followedToEnd(id);

    // workflow_id: 1 does not exist on a fresh database: the workflow is registered by the name of
    // the binding that owns the instance, with the run's refs.
    const [workflow] = await rows<Record<string, unknown>>('SELECT * FROM workflow WHERE name = ?', 'email_campaign');
    expect(workflow).toMatchObject({
      name: 'email_campaign',
      ref_id: 'campaign-123',
      ref_type: 'campaign',
      status: 'Completed',
      run_count: 1,
      last_run_id: id,
    });
    expect(JSON.parse(String(workflow?.metadata))).toEqual({ source: 'email-workflow' });

    const [run] = await rows<Record<string, unknown>>('SELECT * FROM workflow_runs WHERE id = ?', id);
    expect(run).toMatchObject({ workflow_id: workflow?.id, workflow_name: 'email_campaign', status: 'Completed', ref_id: 'campaign-123' });
    expect(JSON.parse(String(run?.input_params))).toEqual(payload);
    expect(JSON.parse(String(run?.output_result))).toEqual({ success: true, sent: 2 });
    expect(run?.started_at).toBeTruthy();
    expect(Date.parse(String(run?.completed_at))).toBeGreaterThanOrEqual(Date.parse(String(run?.started_at)));

    const steps = await rows<Record<string, unknown>>(
      'SELECT step_name, step_number, status, attempts, retry_count, output_result, duration_ms FROM workflow_steps WHERE run_id = ? ORDER BY step_number',
      id,
    );
    expect(steps.map((s) => [s.step_name, s.step_number, s.status, s.attempts, s.retry_count])).toEqual([
      ['validate-recipients', 1, 'Completed', 1, 0],
      ['send-emails', 2, 'Completed', 1, 0],
    ]);
    expect(JSON.parse(String(steps[0]?.output_result))).toEqual({ validRecipients: 2 });
    expect(JSON.parse(String(steps[1]?.output_result))).toEqual({ sent: 2 });
    expect(steps.every((s) => typeof s.duration_ms === 'number' && s.duration_ms >= 0)).toBe(true);

    const attempts = await rows('SELECT step_name, attempt, status FROM workflow_step_retries WHERE run_id = ? ORDER BY id', id);
    expect(attempts).toEqual([
      { step_name: 'validate-recipients', attempt: 1, status: 'Completed' },
      { step_name: 'send-emails', attempt: 1, status: 'Completed' },
    ]);

    const events = await rows<{ id: number; kind: string; data: string }>('SELECT id, kind, data FROM workflow_events WHERE run_id = ? ORDER BY id', id);
    const timeline = events.map((e) => {
      const d = JSON.parse(e.data) as { status: string; step_name?: string };
      return e.kind === 'run' ? `run ${d.status}` : `${d.step_name} ${d.status}`;
    });
    // what the sample wrote, in order, and the engine's own record of the run beside it (the
    // sample has no step.do, so the engine knows no steps)
    expect(isSubsequence(timeline, [
      'run Running',
      'run Running',
      'validate-recipients Running',
      'validate-recipients Completed',
      'run Running',
      'send-emails Running',
      'send-emails Completed',
      'run Running',
      'run Completed',
      'run Completed',
    ]), timeline.join(', ')).toBe(true);
    for (const line of ['validate-recipients Completed', 'send-emails Completed', 'run Completed']) expect(timeline).toContain(line);
    expect(timeline.at(-1)).toBe('run Completed');
    // Events are stored with the refs of their run, ready for topic filters.
    const refs = await rows('SELECT DISTINCT workflow_name, ref_type, ref_id FROM workflow_events WHERE run_id = ?', id);
    expect(refs).toEqual([{ workflow_name: 'email_campaign', ref_type: 'campaign', ref_id: 'campaign-123' }]);
  });

  it('a second run of the same name and refs reuses the workflow and counts the run', async () => {
    const payload = { ref_id: 'campaign-9', ref_type: 'campaign', recipients: ['x@example.com'], subject: 's', body: 'b' };
    for (const id of [newId('email'), newId('email')]) {
      await waitForInstance(await env.EMAIL_CAMPAIGN.create({ id, params: payload }), ['complete']);
    }
    const workflows = await rows<{ run_count: number }>(
      "SELECT run_count FROM workflow WHERE name = 'email_campaign' AND ref_id = 'campaign-9'",
    );
    expect(workflows).toEqual([{ run_count: 2 }]);
  });
});
