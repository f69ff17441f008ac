import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createWorkflowService, type CreatedApiKey } from '../../src/index.js';
import { resolveOptions } from '../../src/service/options.js';
import { createRouter } from '../../src/service/router.js';
import builtDocument from '../../dist/static/api/openapi.json?raw';
import { api, apiJson, post, unique } from './api.js';

type Operation = { operationId: string; 'x-flowflare-role': 'read' | 'operate' | 'admin' };
type Document = { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, Operation>> };

/** `GET /api/runs/{id}` for each operation of the document. */
function documented(document: Document): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${document.servers[0]!.url}${path}`),
  );
}

describe('GET /api/openapi.json', () => {
  it('needs a key, and answers any key with the OpenAPI 3.1 document', async () => {
    expect((await api('/api/openapi.json', { key: null })).status).toBe(401);
    const reader = await post<CreatedApiKey>('/api/keys', { name: unique('doc-reader'), role: 'read' });
    const { status, body, headers } = await apiJson<Document>('/api/openapi.json', { key: reader.body.key });
    expect(status).toBe(200);
    expect(headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(body.openapi).toBe('3.1.0');
    expect(headers.get('Cache-Control')).toBe('no-cache');
  });

  it("carries the file's ETag; a revalidation of the same document is a 304, behind the key too", async () => {
    const first = await api('/api/openapi.json');
    await first.body?.cancel();
    const etag = first.headers.get('ETag');
    expect(etag).toBeTruthy();
    const again = await api('/api/openapi.json', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('ETag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await api('/api/openapi.json', { key: null, headers: { 'If-None-Match': etag! } })).status).toBe(401);
    const other = await api('/api/openapi.json', { headers: { 'If-None-Match': '"another"' } });
    expect(other.status).toBe(200);
    await other.body?.cancel();
  });

  it('is the document of the static folder, fetched from Static Assets after the key is checked', async () => {
    const { body } = await apiJson<Document>('/api/openapi.json');
    expect(body).toEqual(JSON.parse(builtDocument));
  });

  it('answers a clear NOT_CONFIGURED error when the service has no ASSETS binding', async () => {
    const { ASSETS: _assets, ...bindings } = env as unknown as Record<string, unknown>;
    const service = createWorkflowService();
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined } as unknown as ExecutionContext;
    const call = (key: string | null) =>
      service.fetch!(new Request('https://service.example/api/openapi.json', { headers: key ? { Authorization: `Bearer ${key}` } : {} }) as never, bindings as never, ctx);
    // the key comes first: without it, a 401 as ever
    expect((await call(null)).status).toBe(401);
    const response = await call('test-service-key');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_CONFIGURED');
    expect(body.error.message).toBe(
      'The service has no ASSETS binding, which serves the OpenAPI document: add to wrangler.toml: [assets] directory = "node_modules/@biggidea/flowflare/dist/static", binding = "ASSETS", run_worker_first = true (npx flowflare-setup adds it).',
    );
  });

  it('lists every route the router serves, and only those', async () => {
    const { body } = await apiJson<Document>('/api/openapi.json');
    const router = createRouter(resolveOptions());
    const served = router.routes.map(([method, , , path]) => `${method} ${(path ?? '').replace(/:(\w+)/g, '{$1}')}`);
    expect(new Set(served).size).toBe(served.length);
    expect([...documented(body)].sort()).toEqual([...served].sort());
  });

  it('names the role each route enforces: a read key is refused by exactly the operate and admin routes', async () => {
    const { body } = await apiJson<Document>('/api/openapi.json');
    const reader = await post<CreatedApiKey>('/api/keys', { name: unique('role-reader'), role: 'read' });
    for (const [path, operations] of Object.entries(body.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = `/api${path.replace(/\{\w+\}/g, 'no-such-run')}`;
        const response = await api(url, { method: method.toUpperCase(), key: reader.body.key, body: method === 'get' ? undefined : '{}' });
        await response.body?.cancel();
        expect(response.status === 403, `${method.toUpperCase()} ${url} (documented role ${operation['x-flowflare-role']}) answered ${response.status}`).toBe(
          operation['x-flowflare-role'] !== 'read',
        );
      }
    }
  });
});
