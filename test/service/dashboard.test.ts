import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createWorkflowService } from '@biggidea/flowflare';
import builtScript from '../../dist/static/assets/dashboard.js?raw';
import builtPage from '../../dist/static/index.html?raw';
import { api } from './api.js';

const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined } as unknown as ExecutionContext;

/** Calls a service made with `options` directly, with the suite's bindings (or `bindings` instead). */
function serviceWith(options: Parameters<typeof createWorkflowService>[0], bindings: object = env) {
  const service = createWorkflowService(options);
  return (path: string, init: RequestInit = {}) => service.fetch!(new Request(`https://service.example${path}`, init) as never, bindings as never, ctx);
}

/** The suite's bindings without the Static Assets one. */
function withoutAssets(): object {
  const { ASSETS: _assets, ...rest } = env as unknown as Record<string, unknown>;
  return rest;
}

describe('the built-in dashboard route', () => {
  it('serves the page at / by default from Static Assets, without a key, and leaves /api to the API', async () => {
    const page = await api('/', { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' wss://service.example");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('etag')).toMatch(/^(W\/)?".+"$/);
    expect(await page.text()).toContain('assets/dashboard.js');
    expect((await api('/index.html', { key: null })).status).toBe(200);
    const css = await api('/assets/dashboard.css', { key: null });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('content-security-policy')).toContain("default-src 'none'");
    const js = await api('/assets/dashboard.js', { key: null });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe(builtScript);
    const head = await api('/assets/dashboard.js', { key: null, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await api('/api/runs', { key: null })).status).toBe(401);
    expect((await api('/assets/other.js', { key: null })).status).toBe(401);
    expect((await api('/', { key: null, method: 'POST' })).status).toBe(401);
  });

  it('answers a revalidation of an unchanged file with a 304 and its headers', async () => {
    const first = await api('/assets/dashboard.js', { key: null });
    await first.body?.cancel();
    const etag = first.headers.get('etag')!;
    const again = await api('/assets/dashboard.js', { key: null, headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await again.text()).toBe('');
    const other = await api('/assets/dashboard.js', { key: null, headers: { 'If-None-Match': '"something-else"' } });
    expect(other.status).toBe(200);
    await other.body?.cancel();
  });

  it('moves to another path, redirecting the path without its slash, and serves only its own files there', async () => {
    const call = serviceWith({ dashboard: { path: '/flows' } });
    const redirect = await call('/flows?x=1');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/flows/?x=1');
    const page = await call('/flows/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script type="module" src="assets/dashboard.js">');
    const js = await call('/flows/assets/dashboard.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    await js.body?.cancel();
    expect((await call('/flows/assets/dashboard.css')).headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // the rest of the static folder is not reachable through the dashboard's paths
    expect((await call('/flows/api/openapi.json')).status).toBe(401);
    expect((await call('/')).status).toBe(401);
    expect((await call('/assets/dashboard.js')).status).toBe(401);
  });

  it('serves what the build wrote into the static folder', async () => {
    // the page as vitest.config.ts built it into dist/static/, byte for byte
    const page = await api('/', { key: null });
    expect(await page.text()).toBe(builtPage);
  });

  it('can be turned off, and refuses a path under /api', async () => {
    const call = serviceWith({ dashboard: false });
    expect((await call('/')).status).toBe(401);
    expect((await call('/assets/dashboard.js')).status).toBe(401);
    expect(() => createWorkflowService({ dashboard: { path: '/api/ui' } })).toThrow(/under \/api\//);
    expect(() => createWorkflowService({ dashboard: { path: 'flows' } })).toThrow(/starting with '\/'/);
  });

  it('says what to add to wrangler.toml when the service has no ASSETS binding', async () => {
    const call = serviceWith({ dashboard: { path: '/flows' } }, withoutAssets());
    const page = await call('/flows/');
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await page.text();
    expect(text).toContain('The service has no ASSETS binding');
    expect(text).toContain('[assets]\ndirectory = &#34;node_modules/@biggidea/flowflare/dist/static&#34;\nbinding = &#34;ASSETS&#34;\nrun_worker_first = true');
    expect((await call('/flows/assets/dashboard.js')).status).toBe(503);
    // the API is unaffected
    expect((await call('/api/runs')).status).toBe(401);
  });

  it('reads the binding the assetsBinding option names', async () => {
    const bindings = { ...withoutAssets(), FLOWFLARE_FILES: (env as unknown as { ASSETS: Fetcher }).ASSETS };
    expect((await serviceWith({ assetsBinding: 'FLOWFLARE_FILES' }, bindings)('/')).status).toBe(200);
    const missing = await serviceWith({}, bindings)('/');
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('binding = &#34;ASSETS&#34;');
    const named = await serviceWith({ assetsBinding: 'STATIC' }, withoutAssets())('/');
    expect(await named.text()).toContain('The service has no STATIC binding');
  });

  it('says so when the binding holds other files than the package’s static folder', async () => {
    const elsewhere = { fetch: async () => new Response('not found', { status: 404 }) };
    const page = await serviceWith({}, { ...withoutAssets(), ASSETS: elsewhere })('/');
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('The ASSETS binding has no /index.html');
  });
});
