import { FlowflareError } from '../shared/errors.js';
import { assetsProblem } from '../shared/static-assets.js';

/** The Static Assets binding `env` has under `name` as an own property, if any. */
export function staticAssets(env: object, name: string): Fetcher | null {
  if (!Object.hasOwn(env, name)) return null;
  const value = (env as Record<string, unknown>)[name];
  return typeof value === 'object' && value !== null && typeof (value as Fetcher).fetch === 'function' ? (value as Fetcher) : null;
}

/**
 * Fetches one file of the static folder through the binding, for `request` (its method, and its
 * `If-None-Match`, so that an unchanged file is a 304).
 */
export function fetchStaticAsset(assets: Fetcher, path: string, request: Request): Promise<Response> {
  const headers = new Headers();
  const tag = request.headers.get('If-None-Match');
  if (tag !== null) headers.set('If-None-Match', tag);
  return assets.fetch(new URL(path, request.url), { method: request.method === 'HEAD' ? 'HEAD' : 'GET', headers });
}

/** The error a route answers when the static folder is not bound: a 503 `NOT_CONFIGURED`. */
export function assetsNotConfigured(binding: string, what: string, missing?: string): FlowflareError {
  return new FlowflareError('NOT_CONFIGURED', assetsProblem(binding, what, missing), { status: 503 });
}
