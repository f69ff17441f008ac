import { FlowflareError, UnauthorizedError } from '../shared/errors.js';
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

/**
 * Compares two keys in constant time. Both are hashed first so the comparison never depends on
 * where they differ nor on their lengths.
 */
export async function keysMatch(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Checks a request's API key against `SERVICE_API_KEY`; throws when it is missing or wrong. A
 * service with no key configured refuses every request, unless `allowUnauthenticated` is set.
 */
export async function authenticate(request: Request, env: { SERVICE_API_KEY?: unknown }, options: ResolvedOptions): Promise<void> {
  const expected = typeof env.SERVICE_API_KEY === 'string' && env.SERVICE_API_KEY.length > 0 ? env.SERVICE_API_KEY : null;
  if (expected === null) {
    if (options.allowUnauthenticated) return;
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
  if (!(await keysMatch(given, expected))) throw new UnauthorizedError('Invalid API key.');
}
