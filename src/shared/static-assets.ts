import { FlowflareError } from './errors.js';

/** The default name of the Workers Static Assets binding that holds the package's static folder. */
export const DEFAULT_ASSETS_BINDING = 'ASSETS';

/**
 * Where `[assets] directory` points in a project that installed the package: its static folder,
 * with the dashboard's files and the OpenAPI document.
 */
export const STATIC_DIRECTORY = 'node_modules/@biggidea/flowflare/dist/static';

/** Path of the OpenAPI document in the static folder. */
export const OPENAPI_ASSET = '/api/openapi.json';

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

/** The `[assets]` section the service needs, as wrangler.toml text. */
export function assetsSection(binding: string): string {
  return `[assets]\ndirectory = "${STATIC_DIRECTORY}"\nbinding = "${binding}"\nrun_worker_first = true`;
}

/**
 * Why `what` cannot be served: the binding is missing, or (`missing` set) it does not hold the file.
 * @param missing the path the binding answered 404 for
 */
export function assetsProblem(binding: string, what: string, missing?: string): string {
  const fix = `add to wrangler.toml: [assets] directory = "${STATIC_DIRECTORY}", binding = "${binding}", run_worker_first = true (npx flowflare-setup adds it)`;
  return missing === undefined
    ? `The service has no ${binding} binding, which serves ${what}: ${fix}.`
    : `The ${binding} binding has no ${missing}, so it cannot serve ${what}: its [assets] directory must be "${STATIC_DIRECTORY}" (relative to wrangler.toml).`;
}

/** The error a route answers when the static folder is not bound: a 503 `NOT_CONFIGURED`. */
export function assetsNotConfigured(binding: string, what: string, missing?: string): FlowflareError {
  return new FlowflareError('NOT_CONFIGURED', assetsProblem(binding, what, missing), { status: 503 });
}
