import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createWorkflowService } from '@biggidea/flowflare';
import { api } from './api.js';

const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined } as unknown as ExecutionContext;

/** Calls a service made with `options` directly, with the suite's bindings. */
function serviceWith(options: Parameters<typeof createWorkflowService>[0]) {
  const service = createWorkflowService(options);
  return (path: string, init: RequestInit = {}) => service.fetch!(new Request(`https://service.example${path}`, init) as never, env as never, ctx);
}

describe('the built-in dashboard route', () => {
  it('serves the page at / by default, without a key, and leaves /api to the API', async () => {
    const page = await api('/', { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' wss://service.example");
    expect(await page.text()).toContain('assets/dashboard.js');
    expect((await api('/assets/dashboard.css', { key: null })).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await api('/assets/dashboard.js', { key: null, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await api('/api/runs', { key: null })).status).toBe(401);
    expect((await api('/assets/other.js', { key: null })).status).toBe(401);
    expect((await api('/', { key: null, method: 'POST' })).status).toBe(401);
  });

  it('moves to another path, redirecting the path without its slash', async () => {
    const call = serviceWith({ dashboard: { path: '/flows' } });
    const redirect = await call('/flows?x=1');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/flows/?x=1');
    expect((await call('/flows/')).status).toBe(200);
    expect((await call('/flows/assets/dashboard.js')).status).toBe(200);
    expect((await call('/')).status).toBe(401);
  });

  it('can be turned off, and refuses a path under /api', async () => {
    const call = serviceWith({ dashboard: false });
    expect((await call('/')).status).toBe(401);
    expect((await call('/assets/dashboard.js')).status).toBe(401);
    expect(() => createWorkflowService({ dashboard: { path: '/api/ui' } })).toThrow(/under \/api\//);
    expect(() => createWorkflowService({ dashboard: { path: 'flows' } })).toThrow(/starting with '\/'/);
  });
});
