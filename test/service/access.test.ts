import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, AuditEntry, CreatedApiKey, Page, RunDetailResult, RunRecord, StartResult, StatusCounts } from '../../src/index.js';
import { eventually, followedToEnd, recordedAs, rows } from '../helpers.js';
import { openSocket } from '../realtime/sockets.js';
import { api, apiJson, post, unique } from './api.js';

type ErrorBody = { error: { code: string; message: string } };

async function createKey(body: Record<string, unknown>, key?: string): Promise<CreatedApiKey> {
  const created = await post<CreatedApiKey>('/api/keys', body, key ? { key } : {});
  expect(created.status).toBe(201);
  return created.body;
}

async function startPlain(refType: string, key?: string): Promise<StartResult> {
  const started = await post<StartResult>('/api/runs', { workflow: 'plain', params: {}, ref_type: refType, ref_id: unique('r') }, key ? { key } : {});
  expect(started.status).toBe(201);
  return started.body;
}

describe('API keys with roles', () => {
  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const created = await createKey({ name: unique('reader'), role: 'read' });
    expect(created.key).toMatch(/^ffk_[0-9a-f]{48}$/);
    expect(created.prefix).toBe(created.key.slice(0, 10));
    expect(created.created_by).toBe('SERVICE_API_KEY');
    const stored = await rows<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = ?', created.id);
    expect(JSON.stringify(stored)).not.toContain(created.key);

    const listed = await apiJson<{ data: ApiKeyRecord[] }>('/api/keys');
    const mine = listed.body.data.find((k) => k.id === created.id)!;
    expect(mine).toMatchObject({ name: created.name, role: 'read', scopes: null, revoked_at: null });
    expect(mine).not.toHaveProperty('key');
    expect(mine).not.toHaveProperty('hash');

    const me = await apiJson<{ caller: { name: string; role: string } }>('/api/me', { key: created.key });
    expect(me.body.caller).toMatchObject({ name: created.name, role: 'read', keyId: created.id });
  });

  it('a read key reads and follows, and every start or control is a 403 that names the role', async () => {
    const reader = await createKey({ name: unique('reader'), role: 'read' });
    const run = await startPlain('acl');
    expect((await api('/api/runs?limit=1', { key: reader.key })).status).toBe(200);
    expect((await api(`/api/runs/${run.workflowId}`, { key: reader.key })).status).toBe(200);
    expect((await api('/api/runs/counts', { key: reader.key })).status).toBe(200);
    expect((await post('/api/tokens', { topic: 'all' }, { key: reader.key })).status).toBe(201);

    const refused: [string, string][] = [
      ['/api/runs', 'start runs'],
      ['/api/runs/batch', 'start runs'],
      [`/api/runs/${run.workflowId}/pause`, 'pause runs'],
      [`/api/runs/${run.workflowId}/terminate`, 'terminate runs'],
      [`/api/runs/${run.workflowId}/retry`, 'retry runs'],
      [`/api/runs/${run.workflowId}/events`, 'send events to runs'],
    ];
    for (const [path, what] of refused) {
      const answer = await post<ErrorBody>(path, {}, { key: reader.key });
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.message).toContain(`cannot ${what}: that needs the operate role`);
    }
    expect((await post<ErrorBody>('/api/keys', { name: 'x', role: 'admin' }, { key: reader.key })).status).toBe(403);
    expect((await api('/api/audit', { key: reader.key })).status).toBe(403);
    await followedToEnd(run.workflowId);
  });

  it('an operate key starts and controls, and cannot manage keys', async () => {
    const operator = await createKey({ name: unique('ops'), role: 'operate' });
    const run = await startPlain('acl', operator.key);
    const instance = await env.PLAIN.get(run.workflowId);
    await eventually(async () => (await instance.status()).status === 'complete');
    const keys = await post<ErrorBody>('/api/keys', { name: 'x', role: 'read' }, { key: operator.key });
    expect(keys.status).toBe(403);
    expect(keys.body.error.message).toContain('needs the admin role');
  });

  it('a revoked key is refused at once in the isolate that revoked it, and its tokens stop working', async () => {
    const reader = await createKey({ name: unique('leaked'), role: 'read' });
    const token = (await post<{ token: string }>('/api/tokens', { topic: 'all' }, { key: reader.key })).body.token;
    expect((await openSocket('', { token })).status).toBe(101);

    const revoked = await apiJson<ApiKeyRecord>(`/api/keys/${reader.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const refused = await apiJson<ErrorBody>('/api/runs', { key: reader.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain('revoked');
    const socket = await openSocket('', { token });
    expect(socket.status).toBe(401);
    expect(JSON.stringify(socket.body)).toContain('revoked');
  });

  it('an expired key is refused', async () => {
    const created = await createKey({ name: unique('temp'), role: 'read', expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await api('/api/runs?limit=1', { key: created.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await api('/api/runs?limit=1', { key: created.key })).status).toBe(401);
  });

  it('refuses a bad key request with a 400 that names the field', async () => {
    const bad = await post<ErrorBody>('/api/keys', { name: 'x', role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('role');
    const badScope = await post<ErrorBody>('/api/keys', { name: 'x', role: 'read', scopes: { workflows: [] } });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error.message).toContain('scopes.workflows');
  });
});

describe('scoped keys see only their runs', () => {
  it('lists, counts, details and by-ref answers hold only runs in scope', async () => {
    const mine = unique('mine');
    const theirs = unique('theirs');
    const inside = await startPlain(mine);
    const outside = await startPlain(theirs);
    const scoped = await createKey({ name: unique('partner'), role: 'operate', scopes: { ref_types: [mine] } });

    const listed = await apiJson<Page<RunRecord>>('/api/runs?limit=100', { key: scoped.key });
    expect(listed.body.data.map((r) => r.id)).toEqual([inside.workflowId]);
    const counts = await apiJson<StatusCounts>('/api/runs/counts', { key: scoped.key });
    expect(counts.body.total).toBe(1);
    const forbidden = await apiJson<ErrorBody>(`/api/runs?ref_type=${theirs}`, { key: scoped.key });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toContain(mine);
    const refOf = async (id: string) => (await rows<{ ref_id: string }>('SELECT ref_id FROM workflow_runs WHERE id = ?', id))[0]!.ref_id;
    const byRef = await apiJson<{ runs: RunRecord[]; workflows: unknown[] }>(`/api/workflows/by-ref?ref_type=${mine}&ref_id=${await refOf(inside.workflowId)}`, { key: scoped.key });
    expect(byRef.body.runs.map((r) => r.id)).toEqual([inside.workflowId]);
    expect(byRef.body.workflows).toHaveLength(1);
    expect((await api(`/api/workflows/by-ref?ref_type=${theirs}&ref_id=${await refOf(outside.workflowId)}`, { key: scoped.key })).status).toBe(403);

    expect((await api(`/api/runs/${inside.workflowId}`, { key: scoped.key })).status).toBe(200);
    const hidden = await apiJson<ErrorBody>(`/api/runs/${outside.workflowId}`, { key: scoped.key });
    expect(hidden.status).toBe(404);
    expect((await post(`/api/runs/${outside.workflowId}/terminate`, {}, { key: scoped.key })).status).toBe(404);

    const startOutside = await post<ErrorBody>('/api/runs', { workflow: 'plain', params: {}, ref_type: theirs, ref_id: 'x' }, { key: scoped.key });
    expect(startOutside.status).toBe(403);
    expect(startOutside.body.error.message).toContain('outside');
    await followedToEnd(inside.workflowId);
    await followedToEnd(outside.workflowId);
  });

  it('live topics: only topics whose every run is in scope', async () => {
    const mine = unique('live');
    const run = await startPlain(mine);
    const other = await startPlain(unique('other'));
    const scoped = await createKey({ name: unique('viewer'), role: 'read', scopes: { ref_types: [mine] } });

    expect((await post<ErrorBody>('/api/tokens', { topic: 'all' }, { key: scoped.key })).status).toBe(403);
    expect((await post('/api/tokens', { topic: { workflow: 'plain' } }, { key: scoped.key })).status).toBe(403);
    expect((await post('/api/tokens', { topic: { ref_type: mine, ref_id: 'any' } }, { key: scoped.key })).status).toBe(201);
    expect((await post('/api/tokens', { topic: { run_id: run.workflowId } }, { key: scoped.key })).status).toBe(201);
    expect((await post('/api/tokens', { topic: { run_id: other.workflowId } }, { key: scoped.key })).status).toBe(403);

    // with the key itself on the socket, the same rule
    expect((await openSocket('', { key: scoped.key })).status).toBe(403);
    const socket = await openSocket(`run_id=${run.workflowId}`, { key: scoped.key });
    expect(socket.status).toBe(101);
    socket.ws?.close();
    await followedToEnd(run.workflowId);
    await followedToEnd(other.workflowId);
  });
});

describe('rotation', () => {
  it('the previous bootstrap key works while SERVICE_API_KEY_PREVIOUS is set', async () => {
    // test/wrangler.toml sets SERVICE_API_KEY_PREVIOUS beside SERVICE_API_KEY
    const previous = env.SERVICE_API_KEY_PREVIOUS;
    expect(previous).not.toBe(env.SERVICE_API_KEY);
    const me = await apiJson<{ caller: { role: string } }>('/api/me', { key: previous });
    expect(me.status).toBe(200);
    expect(me.body.caller.role).toBe('admin');
    expect((await api('/api/me', { key: 'not-a-key' })).status).toBe(401);
  });

  it('a token signed with a rotated signing key is refused and says so', async () => {
    const { signToken } = await import('../../src/live/token.js');
    const stale = (await signToken('a-signing-key-rotated-away', 'all', 600)).token;
    const socket = await openSocket('', { token: stale });
    expect(socket.status).toBe(401);
    expect(JSON.stringify(socket.body)).toContain('rotated');
  });
});

describe('audit trail', () => {
  it('records starts, control actions and key changes with the key that did them', async () => {
    const operator = await createKey({ name: unique('auditor'), role: 'operate' });
    const run = await post<StartResult>('/api/runs', { workflow: 'plain', params: { waitFor: 'go' }, ref_type: 'audit', ref_id: unique('a') }, { key: operator.key });
    expect(run.status).toBe(201);
    const id = run.body.workflowId;
    await recordedAs(id, 'Waiting');
    expect((await post(`/api/runs/${id}/terminate`, {}, { key: operator.key })).status).toBe(200);

    const detail = await apiJson<RunDetailResult>(`/api/runs/${id}`);
    expect(detail.body.audit.map((a) => [a.action, a.actor])).toEqual([
      ['terminate', operator.name],
      ['start', operator.name],
    ]);
    expect(detail.body.audit[0]!.key_id).toBe(operator.id);

    const byRun = await apiJson<Page<AuditEntry>>(`/api/audit?run_id=${id}`);
    expect(byRun.body.data.map((a) => a.action)).toEqual(['terminate', 'start']);
    const keyEvents = await apiJson<Page<AuditEntry>>('/api/audit?action=key.create&limit=100');
    expect(keyEvents.body.data.some((a) => a.details?.key_id === operator.id && a.actor === 'SERVICE_API_KEY')).toBe(true);
    await followedToEnd(id);
  });
});
