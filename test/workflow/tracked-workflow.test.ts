import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { OrderParams } from '../fixtures/tracked-workflows.js';
import type { ControlResult } from '../../src/index.js';
import { eventually, isSubsequence, newId, recordedAs, rows, waitForInstance } from '../helpers.js';
import { post } from '../service/api.js';

interface Row {
  [key: string]: unknown;
}

async function startOrder(params: OrderParams) {
  const id = newId('order');
  return { id, instance: await env.ORDER.create({ id, params }) };
}

/**
 * The run's event log, one line per event. The record of an event a wait received comes from the
 * workflow, beside the engine's events, so it may land before or after the wait's completion: it
 * is left out here unless asked for.
 */
async function timeline(id: string, { received = false } = {}): Promise<string[]> {
  const events = await rows<{ kind: string; data: string }>('SELECT kind, data FROM workflow_events WHERE run_id = ? ORDER BY id', id);
  return events.flatMap((e) => {
    const d = JSON.parse(e.data) as { status: string; step_name?: string; step_type?: string; output_result?: string | null; last_attempt?: { attempt: number } | null };
    if (e.kind === 'run') return [`run ${d.status}`];
    if (d.step_type === 'waitForEvent' && d.output_result != null) return received ? [`${d.step_name} received`] : [];
    return [`${d.step_name} ${d.status}${d.last_attempt ? ` #${d.last_attempt.attempt}` : ''}`];
  });
}

describe('TrackedWorkflow', () => {
  it("records a wait with no timeout as ending when Workflows' default ends it, 24 hours on", async () => {
    const { id, instance } = await startOrder({ ref_id: 'order-default-wait', ref_type: 'order', approval: true, approvalTimeout: 'none' });
    await eventually(async () => (await rows('SELECT 1 FROM workflow_runs WHERE id = ? AND status = ? AND sleep_until IS NOT NULL', id, 'Waiting')).length > 0);
    const [waiting] = await rows<Row>('SELECT sleep_until FROM workflow_runs WHERE id = ?', id);
    const until = Date.parse(String(waiting?.sleep_until));
    expect(until).toBeGreaterThan(Date.now() + 23.9 * 3_600_000);
    expect(until).toBeLessThan(Date.now() + 24.1 * 3_600_000);
    await instance.terminate();
  });

  it('records a run with a flaky step, a sleep and a waitForEvent exactly', async () => {
    const { id, instance } = await startOrder({
      ref_id: 'order-7',
      ref_type: 'order',
      metadata: { channel: 'web' },
      apiToken: 'secret-token',
      chargeFailures: 2,
      sleepMs: 50,
      approval: true,
    });
    await eventually(async () => (await rows('SELECT 1 FROM workflow_runs WHERE id = ? AND status = ?', id, 'Waiting')).length > 0);
    const [waiting] = await rows<Row>('SELECT status, waiting_for, sleep_until FROM workflow_runs WHERE id = ?', id);
    expect(waiting).toMatchObject({ status: 'Waiting', waiting_for: 'approve' });
    expect(Date.parse(String(waiting?.sleep_until))).toBeGreaterThan(Date.now() + 59 * 60_000);
    await instance.sendEvent({ type: 'approve', payload: { by: 'ann' } });
    const status = await waitForInstance(instance, ['complete', 'errored']);
    expect(status.output).toEqual({ reserved: { reserved: true }, charged: { charged: 42, attempt: 3 }, shipped: { shipped: true, approvedBy: 'ann' } });
    await recordedAs(id, 'Completed');

    const [workflow] = await rows<Row>("SELECT * FROM workflow WHERE name = 'order' AND ref_id = 'order-7'");
    expect(workflow).toMatchObject({ ref_type: 'order', status: 'Completed', run_count: 1, last_run_id: id });
    const [run] = await rows<Row>('SELECT * FROM workflow_runs WHERE id = ?', id);
    expect(run).toMatchObject({ workflow_name: 'order', status: 'Completed', ref_id: 'order-7', ref_type: 'order', error: null, sleep_until: null, waiting_for: null });
    // The redacting inputs option kept the token out of D1.
    expect(JSON.parse(String(run?.input_params))).toEqual({ ref_id: 'order-7', ref_type: 'order', metadata: { channel: 'web' }, chargeFailures: 2, sleepMs: 50, approval: true });
    expect(JSON.parse(String(run?.metadata))).toEqual({ channel: 'web' });
    expect(JSON.parse(String(run?.output_result))).toEqual(status.output);

    const steps = await rows<Row>(
      'SELECT step_name, step_number, step_type, status, attempts, retry_count, max_retries, output_result FROM workflow_steps WHERE run_id = ? ORDER BY step_number',
      id,
    );
    expect(steps.map((s) => [s.step_name, s.step_number, s.step_type, s.status, s.attempts, s.retry_count, s.max_retries])).toEqual([
      ['reserve', 1, 'do', 'Completed', 1, 0, 5],
      ['charge', 2, 'do', 'Completed', 3, 2, 3],
      ['settle', 3, 'sleep', 'Completed', 0, 0, null],
      ['approval', 4, 'waitForEvent', 'Completed', 0, 0, null],
      ['ship', 5, 'do', 'Completed', 1, 0, 5],
    ]);
    expect(JSON.parse(String(steps[3]?.output_result))).toMatchObject({ type: 'approve', payload: { by: 'ann' } });

    const attempts = await rows<Row>(
      "SELECT attempt, status, error, ended_at, next_retry_at, duration_ms FROM workflow_step_retries WHERE run_id = ? AND step_name = 'charge' ORDER BY attempt",
      id,
    );
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'Failed'],
      [2, 'Failed'],
      [3, 'Completed'],
    ]);
    expect(JSON.parse(String(attempts[1]?.error))).toEqual({ name: 'Error', message: 'declined on attempt 2' });
    // exponential backoff from the step's own config: 30 ms, then 60 ms
    const delays = attempts.filter((a) => a.next_retry_at).map((a) => Date.parse(String(a.next_retry_at)) - Date.parse(String(a.ended_at)));
    expect(delays.map((d) => Math.round(d / 30))).toEqual([1, 2]);
    expect(attempts.every((a) => typeof a.duration_ms === 'number')).toBe(true);

    const events = await timeline(id);
    expect(events.at(-1)).toBe('run Completed');
    expect(events).toContain('charge Completed #3');
    expect(new Set(events).size).toBe(events.length);
    expect(isSubsequence(events, [
      'run Queued',
      'run Running',
      'reserve Running #1',
      'reserve Completed #1',
      'charge Running #1',
      'charge Retrying #1',
      'charge Running #2',
      'charge Retrying #2',
      'charge Running #3',
      'charge Completed #3',
      'settle Sleeping',
      'run Sleeping',
      'settle Completed',
      'run Running',
      'approval Waiting',
      'run Waiting',
      'approval Completed',
      'run Running',
      'ship Running #1',
      'ship Completed #1',
      'run Completed',
    ]), events.join(', ')).toBe(true);
    expect((await timeline(id, { received: true })).filter((e) => e === 'approval received')).toHaveLength(1);
  });

  it('records a non-retryable failure once and the run as Errored', async () => {
    const { id, instance } = await startOrder({ fatal: true });
    const engine = await waitForInstance(instance, ['errored', 'complete']);
    expect(engine.status).toBe('errored');
    await recordedAs(id, 'Errored');
    const [step] = await rows<Row>("SELECT status, attempts, error, next_retry_at FROM workflow_steps WHERE run_id = ? AND step_name = 'charge'", id);
    expect(step).toMatchObject({ status: 'Failed', attempts: 1, next_retry_at: null });
    // the engine's own words for the failure
    expect(JSON.parse(String(step?.error)).message).toContain('card stolen');
    const [run] = await rows<Row>('SELECT status, error FROM workflow_runs WHERE id = ?', id);
    expect(run?.status).toBe('Errored');
    // the run's error is the engine's
    expect(JSON.parse(String(run?.error))).toEqual(engine.error);
    expect(await rows("SELECT status FROM workflow WHERE name = 'order' AND last_run_id = ?", id)).toEqual([{ status: 'Errored' }]);
  });

  it('records a step that exhausts its retries as Failed after limit + 1 attempts', async () => {
    const { id, instance } = await startOrder({ chargeFailures: 9, chargeRetries: 1 });
    expect((await waitForInstance(instance, ['errored', 'complete'])).status).toBe('errored');
    await recordedAs(id, 'Errored');
    const attempts = await rows<Row>("SELECT attempt, status, next_retry_at FROM workflow_step_retries WHERE run_id = ? AND step_name = 'charge' ORDER BY attempt", id);
    expect(attempts.map((a) => [a.attempt, a.status, a.next_retry_at === null])).toEqual([
      [1, 'Failed', false],
      [2, 'Failed', true],
    ]);
    expect(await rows("SELECT status, retry_count FROM workflow_steps WHERE run_id = ? AND step_name = 'charge'", id)).toEqual([{ status: 'Failed', retry_count: 1 }]);
    expect(await rows("SELECT 1 FROM workflow_steps WHERE run_id = ? AND step_name = 'ship'", id)).toEqual([]);
  });

  it('is replay-safe: pause and resume replays run() without duplicating rows or events', async () => {
    const { id, instance } = await startOrder({ sleepMs: 1500 });
    await eventually(async () => (await rows("SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'Sleeping'", id)).length > 0);
    await instance.pause();
    await waitForInstance(instance, ['paused']);
    await instance.resume();
    expect((await waitForInstance(instance, ['complete', 'errored'])).status).toBe('complete');
    await recordedAs(id, 'Completed');
    expect(await rows('SELECT step_name, attempts FROM workflow_steps WHERE run_id = ? ORDER BY step_number', id)).toEqual([
      { step_name: 'reserve', attempts: 1 },
      { step_name: 'charge', attempts: 1 },
      { step_name: 'settle', attempts: 0 },
      { step_name: 'ship', attempts: 1 },
    ]);
    expect(await rows('SELECT count(*) AS n FROM workflow_step_retries WHERE run_id = ?', id)).toEqual([{ n: 3 }]);
    const events = await timeline(id);
    // the replayed run() adds nothing: every step is recorded done once, nothing is recorded twice
    for (const step of ['reserve', 'charge', 'ship']) {
      expect(events.filter((e) => e === `${step} Completed #1`)).toHaveLength(1);
      expect(events.filter((e) => e === `${step} Running #1`).length).toBeLessThanOrEqual(1);
    }
    expect(events.filter((e) => e === 'settle Sleeping')).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('run ')).map((e) => e.slice(4))).toSatisfy((runs: string[]) =>
      isSubsequence(runs, ['Queued', 'Running', 'Sleeping', 'Paused', 'Sleeping', 'Running', 'Completed']),
    );
    expect(events.at(-1)).toBe('run Completed');
  });

  it('pausing a run that waits for an event keeps it Paused and its wait Waiting, then it completes', async () => {
    const { id, instance } = await startOrder({ approval: true });
    await eventually(async () => (await rows("SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'Waiting'", id)).length > 0);
    const paused = await post<ControlResult>(`/api/runs/${id}/pause`, {});
    expect(paused.status).toBe(200);
    await waitForInstance(instance, ['paused']);
    // Workflows stops the paused invocation by throwing into the pending waitForEvent; that is
    // neither the wait's outcome nor a reason for the run to look Running again.
    await new Promise((r) => setTimeout(r, 500));
    expect(await rows('SELECT status FROM workflow_runs WHERE id = ?', id)).toEqual([{ status: 'Paused' }]);
    expect(await rows("SELECT status, error FROM workflow_steps WHERE run_id = ? AND step_name = 'approval'", id)).toEqual([{ status: 'Waiting', error: null }]);

    expect((await post<ControlResult>(`/api/runs/${id}/resume`, {})).status).toBe(200);
    await eventually(async () => (await rows("SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'Waiting'", id)).length > 0);
    await instance.sendEvent({ type: 'approve', payload: { by: 'ann' } });
    expect((await waitForInstance(instance, ['complete', 'errored'])).status).toBe('complete');
    await eventually(async () => (await rows("SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'Completed'", id)).length > 0);
    expect(await rows("SELECT status, error FROM workflow_steps WHERE run_id = ? AND step_name = 'approval'", id)).toEqual([{ status: 'Completed', error: null }]);
  });

  it('terminate and restart: the restarted run records a new history, not duplicates', async () => {
    const { id, instance } = await startOrder({ chargeFailures: 1, sleepMs: 3000 });
    await eventually(async () => (await rows("SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'Sleeping'", id)).length > 0);
    await instance.terminate();
    await waitForInstance(instance, ['terminated']);
    // terminated outside Flowflare, while it slept: the record follows the engine
    await recordedAs(id, 'Terminated');
    const runCount = () => rows("SELECT run_count FROM workflow WHERE name = 'order' AND ref_id IS NULL AND ref_type IS NULL");
    const countBefore = await runCount();
    await instance.restart();
    // The restarted run goes through its steps again and sleeps again.
    await eventually(async () => (await timeline(id)).filter((e) => e === 'run Sleeping').length === 2);
    await instance.terminate();
    await waitForInstance(instance, ['terminated']);
    await recordedAs(id, 'Terminated');
    // Restarted from scratch: reserve ran again, charge failed once and succeeded again; each
    // attempt appears once.
    expect(await rows('SELECT step_name, attempts, status FROM workflow_steps WHERE run_id = ? ORDER BY step_number', id)).toEqual([
      { step_name: 'reserve', attempts: 1, status: 'Completed' },
      { step_name: 'charge', attempts: 2, status: 'Completed' },
      { step_name: 'settle', attempts: 0, status: 'Sleeping' },
    ]);
    expect(await rows('SELECT step_name, attempt, status FROM workflow_step_retries WHERE run_id = ? ORDER BY step_name, attempt', id)).toEqual([
      { step_name: 'charge', attempt: 1, status: 'Failed' },
      { step_name: 'charge', attempt: 2, status: 'Completed' },
      { step_name: 'reserve', attempt: 1, status: 'Completed' },
    ]);
    // A restart is the same run: it is not counted again.
    expect(await runCount()).toEqual(countBefore);
    const events = await timeline(id);
    // Both histories are in the log, in order, each ended by its termination.
    const history = ['run Queued', 'run Running', 'reserve Running #1', 'reserve Completed #1', 'charge Running #1', 'charge Retrying #1', 'charge Running #2', 'charge Completed #2', 'settle Sleeping', 'run Sleeping', 'run Terminated'];
    const end = events.indexOf('run Terminated') + 1;
    expect(isSubsequence(events.slice(0, end), history), events.join(', ')).toBe(true);
    expect(isSubsequence(events.slice(end), history), events.join(', ')).toBe(true);
    expect(events.slice(end)).toContain('charge Completed #2');
    expect(events.at(-1)).toBe('run Terminated');
  });

  it("hands run() a step that carries instanceId, so the seed's step.instanceId sample works", async () => {
    const id = newId('seed-style');
    const instance = await env.SEED_STYLE.create({ id, params: { n: 21 } });
    expect((await waitForInstance(instance, ['complete', 'errored'])).output).toBe(42);
    await recordedAs(id, 'Completed');
    expect(await rows('SELECT step_name, status, output_result FROM workflow_steps WHERE run_id = ?', id)).toEqual([
      { step_name: 'double', status: 'Completed', output_result: '42' },
    ]);
    expect(await rows('SELECT workflow_name, status FROM workflow_runs WHERE id = ?', id)).toEqual([{ workflow_name: 'seed_style', status: 'Completed' }]);
  });

});
