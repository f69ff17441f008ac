import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { StartResult } from '../../src/index.js';
import { rows } from '../helpers.js';
import { post, unique } from './api.js';

describe('idempotency keys expire and never stick to a run that did not start', () => {
  it('after 24 hours the same key starts a new run (time moved by the test)', async () => {
    const key = unique('ttl');
    const first = await post<StartResult>('/api/runs', { workflow: 'plain', idempotency_key: key });
    expect(first.status).toBe(201);
    const again = await post<StartResult>('/api/runs', { workflow: 'plain', idempotency_key: key });
    expect(again.body.workflowId).toBe(first.body.workflowId);
    expect(again.body.created).toBe(false);

    // the first run was made 25 hours ago
    await env.DB.prepare("UPDATE workflow_runs SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-25 hours') WHERE id = ?").bind(first.body.workflowId).run();
    const later = await post<StartResult>('/api/runs', { workflow: 'plain', idempotency_key: key });
    expect(later.status).toBe(201);
    expect(later.body.created).toBe(true);
    expect(later.body.workflowId).not.toBe(first.body.workflowId);
    expect(await rows('SELECT id FROM workflow_runs WHERE idempotency_key = ?', key)).toEqual([{ id: later.body.workflowId }]);

    // a batch honours the same rule
    await env.DB.prepare("UPDATE workflow_runs SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-25 hours') WHERE id = ?").bind(later.body.workflowId).run();
    const batch = await post<{ results: StartResult[] }>('/api/runs/batch', { runs: [{ workflow: 'plain', idempotency_key: key }] });
    expect(batch.body.results[0]!.created).toBe(true);
  });

  it('a key whose run could not be created is free for the next start', async () => {
    const key = unique('failed');
    const id = unique('taken');
    // the engine already has an instance with this id, which D1 does not know: create() fails
    await env.PLAIN.create({ id, params: {} });
    const failed = await post<{ error: { code: string } }>('/api/runs', { workflow: 'plain', id, idempotency_key: key });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('START_FAILED');
    const retried = await post<StartResult>('/api/runs', { workflow: 'plain', idempotency_key: key });
    expect(retried.status).toBe(201);
    expect(retried.body.created).toBe(true);
    expect(retried.body.workflowId).not.toBe(id);
  });

  it('ten concurrent starts with one key make one instance in the engine and answer with one run', async () => {
    const key = unique('concurrent');
    // each start names its own instance: every id but the winner's must be unknown to the engine
    const ids = Array.from({ length: 10 }, (_, i) => unique(`dup${i}`));
    const answers = await Promise.all(ids.map((id) => post<StartResult>('/api/runs', { workflow: 'plain', id, idempotency_key: key })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const winner = answers.find((a) => a.status === 201)!.body.workflowId;
    expect(new Set(answers.map((a) => a.body.workflowId))).toEqual(new Set([winner]));
    expect(answers.filter((a) => a.body.created)).toHaveLength(1);
    expect(ids).toContain(winner);

    expect(['queued', 'running', 'complete']).toContain((await (await env.PLAIN.get(winner)).status()).status);
    for (const id of ids.filter((i) => i !== winner)) await expect(env.PLAIN.get(id)).rejects.toThrow();
    expect(await rows('SELECT id FROM workflow_runs WHERE idempotency_key = ?', key)).toEqual([{ id: winner }]);
    expect(await rows('SELECT count(*) AS n FROM workflow_runs WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids))).toEqual([{ n: 1 }]);
    expect(await rows("SELECT count(*) AS n FROM audit_log WHERE action = 'start' AND run_id IN (SELECT value FROM json_each(?))", JSON.stringify(ids))).toEqual([{ n: 1 }]);
  });

  it('ten concurrent starts with one key and no ids answer with one run the engine has', async () => {
    const key = unique('concurrent-noid');
    const answers = await Promise.all(Array.from({ length: 10 }, () => post<StartResult>('/api/runs', { workflow: 'plain', idempotency_key: key })));
    const runIds = new Set(answers.map((a) => a.body.workflowId));
    expect(runIds.size).toBe(1);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const [runId] = [...runIds];
    expect((await (await env.PLAIN.get(runId!)).status()).status).toMatch(/queued|running|complete/);
    expect(await rows('SELECT id FROM workflow_runs WHERE idempotency_key = ?', key)).toEqual([{ id: runId }]);
  });
});
