import { expect } from 'vitest';
import type { RunDetailResult, StartResult } from '../../src/index.js';
import type { PlainParams } from '../fixtures/plain-workflow.js';
import { eventually } from '../helpers.js';
import { apiJson, post, unique } from '../service/api.js';

/** Starts a PLAIN run (no Flowflare code in the workflow) through the service. */
export async function startPlain(params: PlainParams): Promise<StartResult> {
  const { status, body } = await post<StartResult>('/api/runs', { workflow: 'plain', params, ref_type: 'test', ref_id: unique('plain') });
  expect(status).toBe(201);
  return body;
}

/** The run as the service answers it, with steps and attempts. */
export async function recorded(id: string): Promise<RunDetailResult> {
  return (await apiJson<RunDetailResult>(`/api/runs/${id}`)).body;
}

/** Waits until the recorded run has `status` (the engine's, as its follower records it), and returns it. */
export async function recordedWith(id: string, status: RunDetailResult['status']): Promise<RunDetailResult> {
  return eventually(async () => {
    const run = await recorded(id);
    return run.status === status ? run : null;
  });
}
