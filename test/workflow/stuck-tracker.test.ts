import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordStepRetry, trackStep, updateWorkflowRun, updateWorkflowStep } from '../../src/workflow/index.js';
import { newId, rows } from '../helpers.js';

/** A WORKFLOW_TRACKER binding whose Durable Objects take every call and never answer. */
const stuckTracker = {
  idFromName: (name: string) => name,
  get: () => ({
    publish: () => new Promise(() => {}),
    follow: () => new Promise(() => {}),
  }),
};

const stuckEnv = () => ({ DB: env.DB, WORKFLOW_TRACKER: stuckTracker as unknown as DurableObjectNamespace });

/** Runs `call`, failing if it has not returned within `ms`. */
async function within<T>(ms: number, call: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a tracker Durable Object that never answers does not stall the workflow', () => {
  it('the run helpers return within their deadline, with the record written and the timeout logged', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const id = newId('stuck');
    await within(6000, () => updateWorkflowRun({ id, workflow_name: 'stuck_tracker', status: 'Running' }, stuckEnv()));
    await within(6000, () => updateWorkflowStep({ run_id: id, step_name: 'a', step_number: 1, status: 'Running' }, stuckEnv()));
    await within(6000, () => recordStepRetry({ run_id: id, step_name: 'a', step_number: 1, retry_count: 1, error: 'boom' }, stuckEnv()));
    expect(await rows('SELECT status FROM workflow_runs WHERE id = ?', id)).toEqual([{ status: 'Running' }]);
    expect(await rows('SELECT status FROM workflow_steps WHERE run_id = ?', id)).toEqual([{ status: 'Retrying' }]);
    const logged = errors.mock.calls.map((c) => String(c[0]));
    expect(logged.some((m) => /publishing .* took longer than 2000 ms/.test(m))).toBe(true);
  });

  it('trackStep returns what its step returned', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const id = newId('stuck-step');
    await within(6000, () => updateWorkflowRun({ id, workflow_name: 'stuck_tracker', status: 'Running' }, stuckEnv()));
    const result = await within(6000, () => trackStep(stuckEnv(), id, 'work', 1, async () => ({ done: true })));
    expect(result).toEqual({ done: true });
    expect(await rows('SELECT status FROM workflow_steps WHERE run_id = ?', id)).toEqual([{ status: 'Completed' }]);
  });
});
