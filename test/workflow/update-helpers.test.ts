import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { recordStepRetry, updateWorkflowInstance, updateWorkflowRun, updateWorkflowStep } from '../../src/workflow/index.js';
import { newId, rows } from '../helpers.js';

describe('updateWorkflowRun', () => {
  it('creates a run with workflow_name, registers the workflow, and updates it later', async () => {
    const id = newId('run');
    await updateWorkflowRun(
      { id, workflow_name: 'orders', status: 'running', ref_id: 'o-1', ref_type: 'order', input_params: { total: 5 }, metadata: { by: 'ann' } },
      env,
    );
    await updateWorkflowRun({ id, status: 'Completed', output_result: JSON.stringify({ ok: true }) }, env);
    const [run] = await rows<Record<string, unknown>>('SELECT * FROM workflow_runs WHERE id = ?', id);
    expect(run).toMatchObject({ workflow_name: 'orders', status: 'Completed', ref_id: 'o-1', ref_type: 'order', input_params: '{"total":5}', output_result: '{"ok":true}', metadata: '{"by":"ann"}' });
    expect(run?.started_at).toBeTruthy();
    expect(run?.completed_at).toBeTruthy();
    const [workflow] = await rows<Record<string, unknown>>("SELECT * FROM workflow WHERE name = 'orders' AND ref_id = 'o-1'");
    expect(workflow).toMatchObject({ status: 'Completed', run_count: 1, last_run_id: id, metadata: '{"by":"ann"}' });
  });

  it('keeps one workflow per (name, ref_type, ref_id), NULL refs included', async () => {
    for (let i = 0; i < 3; i++) await updateWorkflowRun({ id: newId('noref'), workflow_name: 'nightly', status: 'Running' }, env);
    await updateWorkflowRun({ id: newId('ref'), workflow_name: 'nightly', ref_type: 'team', ref_id: 't1', status: 'Running' }, env);
    const list = await rows("SELECT ref_type, ref_id, run_count FROM workflow WHERE name = 'nightly' ORDER BY id");
    expect(list).toEqual([
      { ref_type: null, ref_id: null, run_count: 3 },
      { ref_type: 'team', ref_id: 't1', run_count: 1 },
    ]);
  });

  it('records workflow_name in lower case, so that any spelling is one workflow', async () => {
    const ref = newId('spelling');
    await updateWorkflowRun({ id: newId('a'), workflow_name: 'Nightly_Report', ref_type: 'team', ref_id: ref, status: 'Running' }, env);
    await updateWorkflowRun({ id: newId('b'), workflow_name: 'nightly_report', ref_type: 'team', ref_id: ref, status: 'Running' }, env);
    expect(await rows('SELECT name, run_count FROM workflow WHERE ref_id = ?', ref)).toEqual([{ name: 'nightly_report', run_count: 2 }]);
    expect(await rows('SELECT DISTINCT workflow_name FROM workflow_runs WHERE ref_id = ?', ref)).toEqual([{ workflow_name: 'nightly_report' }]);
  });

  it('the workflow status follows its latest run only', async () => {
    const first = newId('a');
    const second = newId('b');
    await updateWorkflowRun({ id: first, workflow_name: 'latest', status: 'Running' }, env);
    await updateWorkflowRun({ id: second, workflow_name: 'latest', status: 'Running' }, env);
    await updateWorkflowRun({ id: first, status: 'Errored' }, env);
    expect(await rows("SELECT status, last_run_id FROM workflow WHERE name = 'latest'")).toEqual([{ status: 'Running', last_run_id: second }]);
    await updateWorkflowRun({ id: second, status: 'Completed' }, env);
    expect(await rows("SELECT status FROM workflow WHERE name = 'latest'")).toEqual([{ status: 'Completed' }]);
  });

  it('a repeated identical update (a replay) adds no event; a real change does', async () => {
    const id = newId('replay');
    await updateWorkflowRun({ id, workflow_name: 'replays', status: 'Running' }, env);
    await updateWorkflowRun({ id, workflow_name: 'replays', status: 'Running' }, env);
    await updateWorkflowRun({ id, status: 'Sleeping', sleep_until: '2030-01-01T00:00:00Z' }, env);
    await updateWorkflowRun({ id, status: 'Running' }, env);
    const statuses = await rows<{ s: string }>("SELECT json_extract(data, '$.status') AS s FROM workflow_events WHERE run_id = ? ORDER BY id", id);
    expect(statuses.map((r) => r.s)).toEqual(['Running', 'Sleeping', 'Running']);
    expect(await rows('SELECT sleep_until FROM workflow_runs WHERE id = ?', id)).toEqual([{ sleep_until: null }]);
  });

  it('updateWorkflowInstance is the same function (the older seed name)', () => {
    expect(updateWorkflowInstance).toBe(updateWorkflowRun);
  });

  it('rejects unknown fields, bad statuses and bad dates, naming the field, and writes nothing', async () => {
    const id = newId('bad');
    await expect(updateWorkflowRun({ id, workflow_name: 'x', colour: 'red' } as never, env)).rejects.toMatchObject({
      code: 'UNKNOWN_FIELD',
      message: expect.stringMatching(/unknown field 'colour'/),
    });
    await expect(updateWorkflowRun({ id, workflow_name: 'x', status: 'Done' }, env)).rejects.toThrow(/status: 'Done' is not a run status/);
    await expect(updateWorkflowRun({ id, workflow_name: 'x', completed_at: 'yesterday' }, env)).rejects.toThrow(/completed_at: not a date/);
    await expect(updateWorkflowRun({ workflow_name: 'x' } as never, env)).rejects.toThrow(/id: /);
    await expect(updateWorkflowRun({ id, workflow_name: 'x', metadata: [1, 2] }, env)).rejects.toThrow(/metadata must be a JSON object/);
    let deep: unknown = 1;
    for (let i = 0; i < 1001; i++) deep = { a: deep };
    await expect(updateWorkflowRun({ id, workflow_name: 'x', metadata: deep }, env)).rejects.toThrow(/metadata is nested deeper than 64 levels/);
    await expect(updateWorkflowRun({ id, workflow_name: 'x', metadata: { note: 'x'.repeat(17 * 1024) } }, env)).rejects.toThrow(
      /metadata is larger than 16384 bytes/,
    );
    expect(await rows('SELECT id FROM workflow_runs WHERE id = ?', id)).toEqual([]);
  });

  it('a new run whose workflow cannot be found fails with what to pass instead', async () => {
    await expect(updateWorkflowRun({ id: newId('orphan'), workflow_id: 999, status: 'Running' }, env)).rejects.toThrow(
      /workflow 999 does not exist\)\. Pass workflow_name/,
    );
  });

  it('a new run may name an existing workflow by workflow_id', async () => {
    const seed = newId('seed');
    await updateWorkflowRun({ id: seed, workflow_name: 'by-id', status: 'Completed' }, env);
    const [wf] = await rows<{ id: number }>("SELECT id FROM workflow WHERE name = 'by-id'");
    const id = newId('second');
    await updateWorkflowRun({ id, workflow_id: wf!.id, status: 'Running' }, env);
    expect(await rows('SELECT workflow_id, workflow_name FROM workflow_runs WHERE id = ?', id)).toEqual([{ workflow_id: wf!.id, workflow_name: 'by-id' }]);
    expect(await rows('SELECT run_count, last_run_id FROM workflow WHERE id = ?', wf!.id)).toEqual([{ run_count: 2, last_run_id: id }]);
  });
});

describe('updateWorkflowStep and recordStepRetry', () => {
  it('track a step by hand: running, a retry, completion', async () => {
    const run_id = newId('manual');
    await updateWorkflowStep({ run_id, step_name: 'charge', step_number: 1, status: 'Running' }, env);
    await recordStepRetry({ run_id, step_name: 'charge', step_number: 1, retry_count: 1, error: 'card declined', next_retry_at: '2030-01-01T00:00:00.000Z', max_retries: 3 }, env);
    let [step] = await rows<Record<string, unknown>>('SELECT * FROM workflow_steps WHERE run_id = ?', run_id);
    expect(step).toMatchObject({ status: 'Retrying', retry_count: 1, max_retries: 3, next_retry_at: '2030-01-01T00:00:00.000Z' });
    expect(JSON.parse(String(step?.error))).toEqual({ name: 'Error', message: 'card declined' });
    await updateWorkflowStep({ run_id, step_name: 'charge', step_number: 1, status: 'Completed', output_result: { charged: true } }, env);
    [step] = await rows<Record<string, unknown>>('SELECT * FROM workflow_steps WHERE run_id = ?', run_id);
    expect(step).toMatchObject({ status: 'Completed', output_result: '{"charged":true}' });
    expect(step?.duration_ms).toEqual(expect.any(Number));
    expect(await rows('SELECT attempt, status, next_retry_at FROM workflow_step_retries WHERE run_id = ?', run_id)).toEqual([
      { attempt: 1, status: 'Failed', next_retry_at: '2030-01-01T00:00:00.000Z' },
    ]);
  });

  it('reject bad input naming the field', async () => {
    await expect(updateWorkflowStep({ run_id: 'r', step_name: 'a', step_number: 1, status: 'Exploded' }, env)).rejects.toThrow(/status: 'Exploded' is not a step status/);
    await expect(updateWorkflowStep({ run_id: 'r', step_name: 'a', step_number: 1.5 }, env)).rejects.toThrow(/step_number/);
    await expect(updateWorkflowStep({ run_id: 'r', step_name: 'a', step_number: 1, sql: 'DROP' } as never, env)).rejects.toThrow(/unknown field 'sql'/);
    await expect(recordStepRetry({ run_id: 'r', step_name: 'a', step_number: 1, retry_count: 0 }, env)).rejects.toThrow(/retry_count/);
    await expect(recordStepRetry({ step_name: 'a', step_number: 1, retry_count: 1 } as never, env)).rejects.toThrow(/run_id/);
  });
});
