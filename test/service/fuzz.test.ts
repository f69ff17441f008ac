import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, KEY } from './api.js';

const SEGMENTS = ['runs', 'workflows', 'batch', 'counts', 'by-ref', 'names', 'pause', 'resume', 'terminate', 'restart', 'events', 'retry', 'tracker-websocket'];

const segment = fc.oneof(fc.constantFrom(...SEGMENTS), fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.constant('%E0%A4%A'));
const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((parts) => `/api/${parts.join('/')}`);
const queryKey = fc.constantFrom('workflow', 'status', 'ref_type', 'ref_id', 'since', 'until', 'metadata_key', 'metadata_value', 'cursor', 'limit', 'x');
const query = fc
  .array(fc.tuple(queryKey, fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constant('2030-01-01T00:00:00Z'))), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${new URLSearchParams(pairs).toString()}`));
const body = fc.oneof(
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
});
