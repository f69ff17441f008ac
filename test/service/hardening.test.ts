import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Page, RunRecord, StartResult } from '../../src/index.js';
import type { TokenResult } from '../../src/shared/api.js';
import { eventually, rows, waitForInstance } from '../helpers.js';
import { openSocket } from '../realtime/sockets.js';
import { apiJson, post, unique } from './api.js';

type ErrorBody = { error: { code: string; message: string } };

/** A JSON object nested `depth` levels deep: `{ "a": { "a": … 1 } }`. */
function nested(depth: number): Record<string, unknown> {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

describe('bodies nested too deep are refused at the boundary', () => {
  it('params, metadata and an event payload nested 2,000 levels are a 400 naming the field', async () => {
    const deep = nested(2000);
    const start = await post<ErrorBody>('/api/runs', { workflow: 'control', params: deep });
    expect(start.status).toBe(400);
    expect(start.body.error.code).toBe('VALIDATION_FAILED');
    expect(start.body.error.message).toMatch(/params: nested deeper than 64 levels/);

    const meta = await post<ErrorBody>('/api/runs', { workflow: 'control', metadata: deep });
    expect(meta.status).toBe(400);
    expect(meta.body.error.message).toMatch(/metadata: nested deeper than 64 levels/);

    const batch = await post<ErrorBody>('/api/runs/batch', { runs: [{ workflow: 'control' }, { workflow: 'control', params: deep }] });
    expect(batch.status).toBe(400);
    expect(batch.body.error.message).toMatch(/runs\.1\.params: nested deeper than 64 levels/);

    const event = await post<ErrorBody>('/api/runs/some-run/events', { type: 'approval', payload: [deep] });
    expect(event.status).toBe(400);
    expect(event.body.error.message).toMatch(/payload: nested deeper than 64 levels/);
  });

  it('JSON within the limit is accepted', async () => {
    const { status, body } = await post<StartResult>('/api/runs', { workflow: 'control', params: nested(64), metadata: nested(64) });
    expect(status).toBe(201);
    await waitForInstance(await env.CONTROL.get(body.workflowId), ['complete']);
  });
});

describe('metadata that D1 could not merge never reaches it', () => {
  it('metadata nested 1,001 levels is refused, and the workflow and ref go on taking starts with metadata', async () => {
    const ref = { ref_type: 'tenant', ref_id: unique('poison') };
    const poisoned = await post<ErrorBody>('/api/runs', { workflow: 'control', ...ref, metadata: nested(1001) });
    expect(poisoned.status).toBe(400);
    expect(poisoned.body.error.message).toMatch(/metadata: nested deeper than 64 levels/);

    const normal = await post<StartResult>('/api/runs', { workflow: 'control', ...ref, metadata: { by: 'ana' } });
    expect(normal.status).toBe(201);
    const again = await post<StartResult>('/api/runs', { workflow: 'control', ...ref, metadata: { by: 'bo' } });
    expect(again.status).toBe(201);
    const [workflow] = await rows<{ metadata: string; run_count: number }>(
      "SELECT metadata, run_count FROM workflow WHERE name = 'control' AND ref_type = ? AND ref_id = ?",
      ref.ref_type,
      ref.ref_id,
    );
    expect(workflow?.run_count).toBe(2);
    expect(JSON.parse(workflow!.metadata)).toEqual({ by: 'bo' });
  });

  it('a workflow whose stored metadata D1 cannot parse takes starts with metadata again', async () => {
    // what a start accepted before metadata had limits left behind
    const ref = { ref_type: 'tenant', ref_id: unique('legacy') };
    const now = new Date().toISOString();
    await env.DB.prepare('INSERT INTO workflow (name, ref_type, ref_id, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind('control', ref.ref_type, ref.ref_id, JSON.stringify(nested(1001)), now, now)
      .run();
    const { status, body } = await post<StartResult>('/api/runs', { workflow: 'control', ...ref, metadata: { by: 'ana' } });
    expect(status).toBe(201);
    expect(body.run.metadata).toEqual({ by: 'ana' });
    const [workflow] = await rows<{ metadata: string }>("SELECT metadata FROM workflow WHERE name = 'control' AND ref_type = ? AND ref_id = ?", ref.ref_type, ref.ref_id);
    expect(JSON.parse(workflow!.metadata)).toEqual({ by: 'ana' });
  });

  it('metadata past the limits that a workflow carries in its payload is left out of D1', async () => {
    const ref = { ref_type: 'tenant', ref_id: unique('payload') };
    const id = `deep-${crypto.randomUUID()}`;
    const instance = await env.ORDER.create({ id, params: { ...ref, metadata: nested(1001) } });
    await waitForInstance(instance, ['complete']);
    const run = await eventually(async () => (await rows<{ status: string; metadata: string | null }>('SELECT status, metadata FROM workflow_runs WHERE id = ?', id))[0]);
    expect(run.metadata).toBeNull();
    const { status } = await post<StartResult>('/api/runs', { workflow: 'order', ...ref, metadata: { by: 'ana' } });
    expect(status).toBe(201);
  });

  it('metadata larger than 16 KiB is refused, naming the field and the limit', async () => {
    const big = await post<ErrorBody>('/api/runs', { workflow: 'control', metadata: { note: 'x'.repeat(17 * 1024) } });
    expect(big.status).toBe(400);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
    expect(big.body.error.message).toMatch(/metadata: larger than 16384 bytes/);
    const batch = await post<ErrorBody>('/api/runs/batch', { runs: [{ workflow: 'control', metadata: { note: 'x'.repeat(17 * 1024) } }] });
    expect(batch.status).toBe(400);
    expect(batch.body.error.message).toMatch(/runs\.0\.metadata: larger than 16384 bytes/);
  });
});

describe('workflow names are looked up as names, never through Object.prototype', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    it(`'${name}' is an unknown workflow (404) naming it`, async () => {
      const { status, body } = await post<ErrorBody>('/api/runs', { workflow: name });
      expect(status).toBe(404);
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message.toLowerCase()).toContain(`unknown workflow '${name.toLowerCase()}'`);
      expect(body.error.message).not.toMatch(/native code|\[object Object\]/);
    });
  }
});

describe('workflow names are case-insensitive and recorded in lowercase', () => {
  it('a start as ORDER or Order is recorded, listed and published as order', async () => {
    const ref = { ref_type: 'case', ref_id: unique('case') };
    const upper = await post<StartResult>('/api/runs', { workflow: 'ORDER', ...ref });
    const mixed = await post<StartResult>('/api/runs', { workflow: 'Order', ...ref });
    expect(upper.status).toBe(201);
    expect(mixed.status).toBe(201);
    expect(upper.body.run.workflow_name).toBe('order');
    expect(mixed.body.run.workflow_name).toBe('order');
    const [workflow] = await rows<{ name: string; run_count: number }>(
      'SELECT name, run_count FROM workflow WHERE ref_type = ? AND ref_id = ?',
      ref.ref_type,
      ref.ref_id,
    );
    expect(workflow).toEqual({ name: 'order', run_count: 2 });

    for (const filter of ['order', 'ORDER']) {
      const { status, body } = await apiJson<Page<RunRecord>>(`/api/runs?workflow=${filter}&ref_type=${ref.ref_type}&ref_id=${ref.ref_id}`);
      expect(status).toBe(200);
      expect(body.data.map((r) => r.id).sort()).toEqual([upper.body.workflowId, mixed.body.workflowId].sort());
    }

    const minted = await post<TokenResult>('/api/tokens', { topic: { workflow: 'Order' } });
    expect(minted.status).toBe(201);
    expect(minted.body.scope).toBe('workflow:order');
    const socket = await openSocket(`run_id=${upper.body.workflowId}`, { token: minted.body.token });
    expect(socket.status).toBe(101);
    socket.ws!.close(1000);
    const byName = await openSocket('workflow=ORDER', { token: minted.body.token });
    expect(byName.status).toBe(101);
    byName.ws!.close(1000);
    await eventually(async () => (await rows('SELECT 1 FROM workflow_runs WHERE id = ? AND status = ?', upper.body.workflowId, 'Completed')).length > 0);
  });
});

describe('list times are ISO-8601', () => {
  for (const param of ['since', 'until']) {
    for (const value of ['$1', '?1', 'tomorrow', '2026-02-31', '1 Jan 2026']) {
      it(`${param}=${value} is a 400 naming ${param}`, async () => {
        const { status, body } = await apiJson<ErrorBody>(`/api/runs?${param}=${encodeURIComponent(value)}`);
        expect(status).toBe(400);
        expect(body.error.code).toBe('VALIDATION_FAILED');
        expect(body.error.message).toContain(`${param}:`);
      });
    }
  }

  it('ISO-8601 dates and times and epoch milliseconds are accepted', async () => {
    for (const value of ['2026-01-31', '2026-01-31T10:00:00Z', '2026-01-31T10:00:00.123+02:00', '2026-01-31T10:00Z', '1767225600000']) {
      const { status } = await apiJson(`/api/runs/counts?since=${encodeURIComponent(value)}`);
      expect(status, value).toBe(200);
    }
  });
});
