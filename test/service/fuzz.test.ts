import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openSocket } from '../realtime/sockets.js';
import { api, KEY, post } from './api.js';

const SEGMENTS = ['runs', 'workflows', 'batch', 'counts', 'by-ref', 'names', 'pause', 'resume', 'terminate', 'restart', 'events', 'retry', 'tracker-websocket', 'tokens', 'keys', 'audit', 'me', 'constructor', '__proto__'];

const segment = fc.oneof(fc.constantFrom(...SEGMENTS), fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.constant('%E0%A4%A'));
const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((parts) => `/api/${parts.join('/')}`);
const queryKey = fc.constantFrom('workflow', 'status', 'ref_type', 'ref_id', 'since', 'until', 'metadata_key', 'metadata_value', 'cursor', 'limit', 'x');
const query = fc
  .array(fc.tuple(queryKey, fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constant('2030-01-01T00:00:00Z'))), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`));
/** JSON nested `depth` levels deep, as an array or an object chain. */
const deep = (depth: number, open: string, close: string) => `${open.repeat(depth)}${close.repeat(depth)}`;
const hostile = fc.constantFrom(
  JSON.stringify({ workflow: 'plain', params: JSON.parse(`{"a":${deep(2000, '[', ']')}}`) }),
  `{"workflow":"plain","metadata":${deep(1200, '{"a":', '}').replace(/:}$/, ':1}')}}`,
  JSON.stringify({ workflow: 'constructor' }),
  JSON.stringify({ workflow: '__proto__', params: { __proto__: { polluted: true } } }),
  JSON.stringify({ workflow: 'toString' }),
  JSON.stringify({ workflow: 'plain', params: { big: 'x'.repeat(200_000) } }),
  JSON.stringify({ runs: Array.from({ length: 101 }, () => ({ workflow: 'plain' })) }),
  JSON.stringify({ type: 'x', payload: JSON.parse(deep(2000, '[', ']')) }),
  JSON.stringify({ name: 'k', role: 'admin', scopes: { workflows: ['x'.repeat(300)] } }),
  JSON.stringify({ topic: { ref_type: 'é'.repeat(200), ref_id: 'x' } }),
  '\u0000',
  '{"a":',
);
const body = fc.oneof(
  hostile,
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 64 }),
  fc.record({ workflow: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), params: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.record({ runs: fc.array(fc.record({ workflow: fc.string({ maxLength: 8 }) }), { maxLength: 3 }) }).map((v) => JSON.stringify(v)),
  fc.record({ type: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), payload: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
);
const auth = fc.constantFrom<Record<string, string>>(
  { Authorization: `Bearer ${KEY}` },
  { 'X-API-Key': KEY },
  {},
  { Authorization: 'Bearer nope' },
  { Authorization: `Bearer ${KEY}`, Origin: 'https://evil.example' },
  { Authorization: `Bearer ${'k'.repeat(8000)}` },
  { Authorization: 'Bearer ffk_000000000000000000000000000000000000000000000000' },
  { Authorization: 'Basic Zm9vOmJhcg==' },
  { Authorization: `Bearer ${KEY}`, 'Content-Type': 'text/plain', 'Content-Length': '3' },
);

describe('random requests never break the API', () => {
  it('no 5xx, and every error in the documented shape without a stack', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'), path, query, body, auth, async (method, p, q, b, headers) => {
        const response = await api(`${p}${q}`, {
          method,
          key: null,
          headers,
          body: method === 'GET' || method === 'OPTIONS' ? undefined : b,
        });
        const text = await response.text();
        expect(response.status, `${method} ${p}${q} ${b}: ${text}`).toBeLessThan(500);
        if (response.status >= 400) {
          const parsed = JSON.parse(text) as unknown;
          expect(parsed).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
          expect(text).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('every hostile body on every route that takes one: a 4xx in the documented shape', async () => {
    const started = await post<{ workflowId: string }>('/api/runs', { workflow: 'plain', params: { waitFor: 'never' } });
    const routes = ['/api/runs', '/api/runs/batch', `/api/runs/${started.body.workflowId}/events`, '/api/keys', '/api/tokens'];
    for (const route of routes) {
      for (const b of await fc.sample(hostile, 60)) {
        const response = await api(route, { method: 'POST', body: b, headers: { 'Content-Type': 'application/json' } });
        const text = await response.text();
        expect(response.status, `POST ${route} ${b.slice(0, 80)}: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (response.status >= 400) expect(JSON.parse(text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
        expect(text).not.toMatch(/\n\s+at |native code|\.ts:\d+/);
      }
    }
    await post(`/api/runs/${started.body.workflowId}/terminate`, {});
  }, 120_000);

  it('a well-behaved client is answered throughout a flood of hostile requests and frames', async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openSocket('')));
    for (const s of sockets) expect(s.status).toBe(101);
    const junkFrames = ['null', '1', '"x"', '[]', '{"type":5}', '{"type":"subscribe","topic":{}}', `{"type":"subscribe","topic":"ref:${'é'.repeat(200)}:x"}`, '{', 'x'.repeat(5000)];
    const tokens = ['', 'a.b', 'a.b.c', `${btoa('{"scope":"all","exp":99999999999,"kid":"x"}')}.sig`, 'x'.repeat(3000)];
    const bad = await fc.sample(fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), path, query, body, auth), 150);
    let index = 0;
    for (const [method, p, q, b, headers] of bad) {
      const response = await api(`${p}${q}`, { method, key: null, headers, body: method === 'GET' ? undefined : b });
      expect(response.status, `${method} ${p}${q}`).toBeLessThan(500);
      await response.arrayBuffer();
      for (const s of sockets) s.ws?.readyState === WebSocket.OPEN && s.ws.send(junkFrames[index % junkFrames.length]!);
      const token = await openSocket('', { token: tokens[index % tokens.length]! });
      expect(token.status, `token ${index % tokens.length}`).toBeLessThan(500);
      // the well-behaved client, every tenth request
      if (index++ % 10 === 0) expect((await api('/api/runs?limit=1')).status).toBe(200);
    }
    const started = await post<{ workflowId: string }>('/api/runs', { workflow: 'plain', params: {} });
    expect(started.status).toBe(201);
    const fresh = await openSocket(`run_id=${started.body.workflowId}`);
    expect(fresh.status).toBe(101);
    await expect.poll(() => fresh.messages.some((m) => m.type === 'initial_data'), { timeout: 10_000 }).toBe(true);
    for (const s of [...sockets, fresh]) s.ws?.close();
  }, 120_000);
});
