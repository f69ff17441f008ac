import { env, exports } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkflowService } from '../../src/index.js';
import { ALLOWED_ORIGIN } from '../fixtures/worker.js';
import { api, KEY, viaClient } from './api.js';

type Route = { method: 'GET' | 'POST'; path: string; body?: unknown };

/** Every route of the API, with a request that is valid apart from what each test breaks. */
const ROUTES: Route[] = [
  { method: 'POST', path: '/api/runs', body: { workflow: 'control' } },
  { method: 'POST', path: '/api/runs/batch', body: { runs: [{ workflow: 'control' }] } },
  { method: 'GET', path: '/api/runs' },
  { method: 'GET', path: '/api/runs/counts' },
  { method: 'GET', path: '/api/runs/some-run' },
  ...['pause', 'resume', 'terminate', 'restart', 'retry'].map((a): Route => ({ method: 'POST', path: `/api/runs/some-run/${a}` })),
  { method: 'POST', path: '/api/runs/some-run/events', body: { type: 'approval' } },
  { method: 'GET', path: '/api/workflows' },
  { method: 'GET', path: '/api/workflows/by-ref?ref_type=a&ref_id=b' },
  { method: 'GET', path: '/api/workflows/names' },
  { method: 'GET', path: '/api/tracker-websocket' },
];

const label = (r: Route) => `${r.method} ${r.path}`;

async function call(route: Route, init: { key?: string | null; headers?: Record<string, string>; body?: string } = {}) {
  const response = await api(route.path, {
    method: route.method,
    key: init.key,
    headers: init.headers,
    body: init.body ?? (route.body === undefined ? undefined : JSON.stringify(route.body)),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { error: { code: string; message: string } }, headers: response.headers };
}

function expectErrorShape(body: unknown) {
  expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

describe.each(ROUTES)('$method $path', (route) => {
  it('refuses a missing key (401)', async () => {
    const r = await call(route, { key: null });
    expect(r.status, label(route)).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHORIZED');
    expect(r.body.error.message).toMatch(/Missing API key/);
    expectErrorShape(r.body);
  });

  it('refuses a wrong key (401), in either header', async () => {
    for (const headers of [{ Authorization: 'Bearer wrong' }, { 'X-API-Key': 'wrong' }, { Authorization: `Basic ${KEY}` }] as Record<string, string>[]) {
      const r = await call(route, { key: null, headers });
      expect(r.status, `${label(route)} ${JSON.stringify(headers)}`).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it("accepts the seed's X-API-Key header", async () => {
    const r = await call(route, { key: null, headers: { 'X-API-Key': KEY } });
    expect(r.status, label(route)).not.toBe(401);
  });

  it('refuses an origin that is not allowed (403), with Vary: Origin', async () => {
    const r = await call(route, { headers: { Origin: 'https://evil.example' } });
    expect(r.status, label(route)).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect(r.headers.get('Vary')).toMatch(/Origin/);
    expect(r.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers a preflight from an allowed origin, and refuses one from another', async () => {
    const ok = await api(route.path, { method: 'OPTIONS', key: null, headers: { Origin: ALLOWED_ORIGIN, 'Access-Control-Request-Method': route.method } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
    expect(ok.headers.get('Vary')).toMatch(/Origin/);
    const refused = await api(route.path, { method: 'OPTIONS', key: null, headers: { Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
  });

  if (route.body !== undefined) {
    it('refuses a body that is not JSON (400)', async () => {
      const r = await call(route, { body: '{"workflow": ' });
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/not valid JSON/) });
    });

    it('refuses a body of the wrong types (400 naming the field)', async () => {
      const wrong = { workflow: 42, runs: 'all', type: 7, params: [1] };
      const r = await call(route, { body: JSON.stringify(wrong) });
      expect(r.status).toBe(400);
      expect(['VALIDATION_FAILED', 'UNKNOWN_FIELD']).toContain(r.body.error.code);
      expect(r.body.error.message).toMatch(/workflow|runs|type/);
    });

    it('refuses a body past the size limit (413)', async () => {
      const r = await call(route, { body: JSON.stringify({ ...(route.body as object), pad: 'x'.repeat(1024 * 1024) }) });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  }
});

describe('errors specific to routes', () => {
  it('an unknown workflow is a 404 listing the names, for a start and a batch', async () => {
    for (const [path, body] of [
      ['/api/runs', { workflow: 'missing_flow' }],
      ['/api/runs/batch', { runs: [{ workflow: 'control' }, { workflow: 'missing_flow' }] }],
    ] as const) {
      const r = await call({ method: 'POST', path, body });
      expect(r.status).toBe(404);
      expect(r.body.error.message).toMatch(/Unknown workflow 'missing_flow'.*control, durable, email_campaign/);
    }
  });

  it('an unknown run is a 404 on every run route', async () => {
    for (const route of ROUTES.filter((r) => r.path.startsWith('/api/runs/some-run'))) {
      const r = await call(route);
      expect(r.status, label(route)).toBe(404);
      expect(r.body.error).toEqual({ code: 'NOT_FOUND', message: "Unknown run 'some-run'." });
    }
  });

  it('a limit past the cap is a 400 on every list', async () => {
    for (const path of ['/api/runs?limit=101', '/api/workflows?limit=500', '/api/workflows/by-ref?ref_type=a&ref_id=b&limit=1000']) {
      const r = await call({ method: 'GET', path });
      expect(r.status, path).toBe(400);
      expect(r.body.error.message).toMatch(/limit: .*at most 100/);
    }
  });

  it('bad query parameters are 400s that name them', async () => {
    const cases: [string, RegExp][] = [
      ['/api/runs?status=sleepy', /status: 'sleepy' is not a run status/],
      ['/api/runs?limit=ten', /limit/],
      ['/api/runs?since=yesterday', /since: not a time/],
      ['/api/runs?ref_id=x', /ref_type: required with ref_id/],
      ['/api/runs?metadata_key=a', /metadata_key and metadata_value go together/],
      ['/api/runs?cursor=garbage', /cursor/],
      ['/api/runs?colour=red', /unknown field 'colour'/],
      ['/api/runs?status=Running&status=Paused', /status/],
      ['/api/workflows/by-ref?ref_type=a', /ref_id/],
      ['/api/runs/counts?status=Running', /unknown field 'status'/],
    ];
    for (const [path, message] of cases) {
      const r = await call({ method: 'GET', path });
      expect(r.status, path).toBe(400);
      expect(r.body.error.message, path).toMatch(message);
    }
  });

  it('an unknown path or method is a JSON 404', async () => {
    // `GET /` is the dashboard page (see dashboard.test.ts)
    for (const [method, path] of [['GET', '/api/nothing'], ['DELETE', '/api/runs'], ['GET', '/nothing'], ['POST', '/api/workflows']] as const) {
      const r = await call({ method: method as 'GET', path });
      expect(r.status, path).toBe(404);
      expectErrorShape(r.body);
    }
  });

  it('the client surfaces errors as FlowflareError with status and code', async () => {
    expect((await viaClient('getWorkflow', ['no-such-run'])).error).toEqual({
      name: 'FlowflareError',
      code: 'NOT_FOUND',
      status: 404,
      message: "Unknown run 'no-such-run'.",
    });
    expect((await viaClient('listRuns', [{}], { apiKey: 'wrong' })).error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect((await viaClient('startWorkflow', ['nope'])).error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((await viaClient('listRuns', [{ limit: 101 }])).error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  });
});

describe('configuration', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a service with no key refuses every request with a configuration error', async () => {
    const service = createWorkflowService();
    const response = await service.fetch!(
      new Request('https://service.example/api/runs') as Request<unknown, IncomingRequestCfProperties>,
      { ...env, SERVICE_API_KEY: undefined },
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_CONFIGURED');
    expect(body.error.message).toMatch(/SERVICE_API_KEY/);
  });

  it('allowUnauthenticated opens a service that has no key, for local use', async () => {
    const service = createWorkflowService({ allowUnauthenticated: true });
    const response = await service.fetch!(
      new Request('https://service.example/api/runs?limit=1') as Request<unknown, IncomingRequestCfProperties>,
      { ...env, SERVICE_API_KEY: undefined },
      createExecutionContext(),
    );
    expect(response.status).toBe(200);
  });

  it('debug logs each request', async () => {
    const log = vi.spyOn(console, 'log');
    const service = createWorkflowService({ debug: true });
    await service.fetch!(
      new Request('https://service.example/api/runs/nope', { headers: { 'X-API-Key': KEY } }) as Request<unknown, IncomingRequestCfProperties>,
      env,
      createExecutionContext(),
    );
    expect(log.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/^\[flowflare\] GET \/api\/runs\/nope 404 \d+ms$/));
  });

  it('an allowed origin gets CORS headers on answers and errors alike', async () => {
    const ok = await exports.default.fetch('https://service.example/api/runs?limit=1', { headers: { Origin: ALLOWED_ORIGIN, 'X-API-Key': KEY } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED_ORIGIN);
    expect(ok.headers.get('Vary')).toMatch(/Origin/);
    const error = await exports.default.fetch('https://service.example/api/runs/none', { headers: { Origin: ALLOWED_ORIGIN, 'X-API-Key': KEY } });
    expect(error.status).toBe(404);
    expect(error.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED_ORIGIN);
  });
});
