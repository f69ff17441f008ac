import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { WorkflowStep } from 'cloudflare:workers';
import { durationMs } from '../../src/workflow/duration.js';
import { trackedStep, type StepSignals } from '../../src/workflow/tracked-step.js';
import { eventually, newId, rows, waitForInstance } from '../helpers.js';

/** Starts an order that waits for approval with `timeout`, and reads the deadline its run records. */
async function waitDeadline(timeout: string | number): Promise<{ id: string; instance: WorkflowInstance; until: number }> {
  const id = newId('deadline');
  const before = Date.now();
  const instance = await env.ORDER.create({ id, params: { approval: true, approvalTimeout: timeout } });
  const run = await eventually(async () => {
    const status = await instance.status();
    if (status.status === 'errored') throw new Error(`the run failed: ${JSON.stringify(status.error)}`);
    const [row] = await rows<{ sleep_until: string | null }>("SELECT sleep_until FROM workflow_runs WHERE id = ? AND status = 'Waiting'", id);
    return row?.sleep_until ? row : null;
  });
  return { id, instance, until: Date.parse(run.sleep_until!) - before };
}

describe('waitForEvent timeouts are read as Workflows reads them', () => {
  for (const [timeout, ms] of [
    ['1e3 seconds', 1e6],
    ['1 minute', 60_000],
    ['2 hours', 7_200_000],
    ['3 days', 3 * 86_400_000],
    ['1 week', 604_800_000],
    ['3600000', 3_600_000],
    [5_400_000, 5_400_000],
  ] as const) {
    it(`'${timeout}' waits, with the deadline ${ms} ms away`, async () => {
      const { instance, until } = await waitDeadline(timeout);
      expect(until).toBeGreaterThanOrEqual(ms - 1000);
      expect(until).toBeLessThan(ms + 10_000);
      await instance.sendEvent({ type: 'approve', payload: { by: 'ann' } });
      expect((await waitForInstance(instance, ['complete', 'errored'])).status).toBe('complete');
    });
  }
});

describe('durationMs', () => {
  it('reads every form Workflows takes, as Workflows does', () => {
    const cases: Array<[unknown, number]> = [
      [5000, 5000],
      ['250', 250],
      ['1e3', 1000],
      ['1e3 seconds', 1_000_000],
      ['1 second', 1000],
      ['1.5 seconds', 1500],
      ['1 minute', 60_000],
      ['10 minutes', 600_000],
      ['2 hours', 7_200_000],
      ['1 day', 86_400_000],
      ['2 weeks', 1_209_600_000],
      ['1 month', 2_592_000_000],
      ['1 year', 31_557_600_000],
      ['30.5   seconds', 30_500],
      ['100 ms', 100],
      ['0', 0],
    ];
    for (const [duration, ms] of cases) expect(durationMs(duration), String(duration)).toBe(ms);
  });

  it('is null, never a throw, for what is not a duration', () => {
    for (const duration of ['soon', 'x seconds', '-1 seconds', -5, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, {}, () => 1000]) {
      expect(durationMs(duration), String(duration)).toBeNull();
    }
  });
});

describe('a TrackedWorkflow step never throws for a timeout it cannot read', () => {
  it('records the wait without a deadline and returns what Workflows returns', async () => {
    const waits: Array<Date | null> = [];
    const signals: StepSignals = { waiting: (_n, _c, until) => waits.push(until), resumed: () => {}, returned: () => {}, received: () => {} };
    const event = { payload: { ok: true }, timestamp: new Date(), type: 'approve' };
    const step = { waitForEvent: async () => event } as unknown as WorkflowStep;
    const tracked = trackedStep(step, 'run-1', signals);
    for (const timeout of ['whenever', '1e400 seconds', {}] as never[]) {
      await expect(tracked.waitForEvent('approval', { type: 'approve', timeout })).resolves.toBe(event);
    }
    expect(waits).toEqual([null, null, null]);
  });
});
