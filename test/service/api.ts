import { env, exports } from 'cloudflare:workers';

/** The API key the test service is configured with. */
export const KEY = 'test-service-key';

/** Calls the service Worker (the test Worker's default export) with the API key unless told otherwise. */
export async function api(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const key = init.key === undefined ? KEY : init.key;
  if (key !== null && !headers.has('Authorization') && !headers.has('X-API-Key')) headers.set('Authorization', `Bearer ${key}`);
  return exports.default.fetch(`https://service.example${path}`, { ...init, headers });
}

/** Calls the service and parses its JSON body. */
export async function apiJson<T = unknown>(path: string, init: RequestInit & { key?: string | null } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await api(path, init);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** POSTs JSON to the service. */
export function post<T = unknown>(path: string, body: unknown, init: RequestInit & { key?: string | null } = {}) {
  return apiJson<T>(path, { ...init, method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...init.headers } });
}

/** What the client Worker answers for one call. */
export type ClientAnswer<T> =
  | { value: T; error?: undefined }
  | { value?: undefined; error: { name: string; code?: string; status?: number; message: string } };

/**
 * Calls one WorkflowClient method inside the separate client Worker, which reaches the service
 * through its service binding only.
 */
export async function viaClient<T = unknown>(method: string, args: unknown[] = [], extra: { apiKey?: string; collect?: boolean } = {}): Promise<ClientAnswer<T>> {
  const response = await env.CLIENT_WORKER.fetch('https://client.example/call', {
    method: 'POST',
    body: JSON.stringify({ method, args, ...extra }),
  });
  return (await response.json()) as ClientAnswer<T>;
}

/** Like {@link viaClient}, but fails the test on an error answer. */
export async function clientValue<T = unknown>(method: string, args: unknown[] = [], extra: { collect?: boolean } = {}): Promise<T> {
  const answer = await viaClient<T>(method, args, extra);
  if (answer.error) throw new Error(`${method} failed: ${JSON.stringify(answer.error)}`);
  return answer.value as T;
}

/** A unique text for names and refs, so tests sharing the database do not see each other's rows. */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
