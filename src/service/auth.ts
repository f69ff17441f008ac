import type { Caller } from '../shared/access.js';
import { FlowflareError, UnauthorizedError } from '../shared/errors.js';
import { BOOTSTRAP_CALLER, storedKeyCaller } from './access.js';
import type { ResolvedOptions } from './options.js';

/** The API key a request carries: `Authorization: Bearer <key>` or the seed's `X-API-Key`. */
export function requestApiKey(request: Request): string | null {
  const header = request.headers.get('Authorization');
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match?.[1]) return match[1].trim();
  }
  return request.headers.get('X-API-Key');
}

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
}

/** Digests of the configured bootstrap keys, computed once per isolate and key. */
const digests = new Map<string, Promise<ArrayBuffer>>();

function digestOf(key: string): Promise<ArrayBuffer> {
  let d = digests.get(key);
  if (!d) {
    d = digest(key);
    digests.set(key, d);
  }
  return d;
}

/**
 * Compares a digest with a key's in constant time: both are SHA-256 digests, so the comparison
 * never depends on where the keys differ nor on their lengths.
 */
async function matches(given: ArrayBuffer, expected: string): Promise<boolean> {
  return crypto.subtle.timingSafeEqual(given, await digestOf(expected));
}

/** The bootstrap keys: `SERVICE_API_KEY`, and `SERVICE_API_KEY_PREVIOUS` while a rotation lasts. */
function bootstrapKeys(env: { SERVICE_API_KEY?: unknown; SERVICE_API_KEY_PREVIOUS?: unknown }): string[] {
  return [env.SERVICE_API_KEY, env.SERVICE_API_KEY_PREVIOUS].filter((k): k is string => typeof k === 'string' && k.length > 0);
}

/**
 * Checks a request's API key and says who is calling: the bootstrap key (`SERVICE_API_KEY`, or
 * `SERVICE_API_KEY_PREVIOUS` during a rotation) is an unscoped admin; any other key must be a
 * stored key that is neither revoked nor expired. Throws a 401 when the key is missing or wrong.
 * A service with no `SERVICE_API_KEY` refuses every request, unless `allowUnauthenticated` is set.
 */
export async function authenticate(
  request: Request,
  env: { DB?: unknown; SERVICE_API_KEY?: unknown; SERVICE_API_KEY_PREVIOUS?: unknown },
  options: ResolvedOptions,
  ctx?: ExecutionContext,
): Promise<Caller> {
  const bootstrap = bootstrapKeys(env);
  if (typeof env.SERVICE_API_KEY !== 'string' || env.SERVICE_API_KEY.length === 0) {
    if (options.allowUnauthenticated) return { ...BOOTSTRAP_CALLER, name: 'unauthenticated' };
    throw new FlowflareError(
      'NOT_CONFIGURED',
      'The workflow service has no API key: set the SERVICE_API_KEY secret (wrangler secret put SERVICE_API_KEY), ' +
        'or pass allowUnauthenticated: true to createWorkflowService for local use only.',
      { status: 503 },
    );
  }
  const given = requestApiKey(request);
  if (given === null || given.length === 0) {
    throw new UnauthorizedError('Missing API key: send Authorization: Bearer <key> or X-API-Key: <key>.');
  }
  const givenDigest = await digest(given);
  for (const key of bootstrap) if (await matches(givenDigest, key)) return BOOTSTRAP_CALLER;
  const db = env.DB as D1Database | undefined;
  const stored = db && typeof db.prepare === 'function' ? await storedKeyCaller(db, givenDigest, ctx) : null;
  if (!stored) throw new UnauthorizedError('Invalid API key (unknown, revoked or expired).');
  return stored;
}
