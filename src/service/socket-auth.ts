import { getRunTopicFields } from '../store/runs.js';
import { TOKEN_SUBPROTOCOL_PREFIX } from '../browser/protocol.js';
import { verifyToken } from '../live/token.js';
import { eventInTopic, parseTopicKey, type Topic } from '../live/topics.js';
import { FlowflareError, ForbiddenError, UnauthorizedError } from '../shared/errors.js';
import { authenticate, requestApiKey } from './auth.js';
import type { ResolvedOptions } from './options.js';

/** The key subscription tokens are signed with: derived from `SERVICE_API_KEY` (see `signToken`). */
export function signingKey(env: { SERVICE_API_KEY?: unknown }): string {
  const key = env.SERVICE_API_KEY;
  if (typeof key === 'string' && key.length > 0) return key;
  throw new FlowflareError('NOT_CONFIGURED', 'Subscription tokens need the SERVICE_API_KEY secret to sign with.', { status: 503 });
}

/** The token a WebSocket request carries: `?token=` or the sub-protocol `flowflare-token.<token>`. */
export function requestToken(request: Request): string | null {
  const fromQuery = new URL(request.url).searchParams.get('token');
  if (fromQuery) return fromQuery;
  const offered = request.headers.get('Sec-WebSocket-Protocol')?.split(',').map((p) => p.trim()) ?? [];
  const carried = offered.find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
  return carried ? carried.slice(TOKEN_SUBPROTOCOL_PREFIX.length) : null;
}

/**
 * Authenticates a WebSocket request for a topic, before any Durable Object is touched: the API
 * key (server-side callers) or a subscription token whose scope covers the topic. A token for a
 * workflow or a business object also covers the runs of that workflow or object.
 * @returns when the socket's credentials expire (epoch ms), or `null` for the API key
 */
export async function authenticateSocket(request: Request, env: { DB: D1Database; SERVICE_API_KEY?: unknown }, options: ResolvedOptions, topic: Topic, key: string): Promise<number | null> {
  const token = requestToken(request);
  if (token === null) {
    const configured = typeof env.SERVICE_API_KEY === 'string' && env.SERVICE_API_KEY.length > 0;
    if (configured && requestApiKey(request) === null) {
      throw new UnauthorizedError('Missing API key or subscription token: send the key (Authorization: Bearer <key>) or a token (?token= or the flowflare-token.<token> sub-protocol).');
    }
    await authenticate(request, env, options);
    return null;
  }
  const claims = await verifyToken(signingKey(env), token);
  if (!(await scopeCovers(env.DB, claims.scope, topic, key))) {
    throw new ForbiddenError(`This token is for topic '${claims.scope}', not '${key}'.`);
  }
  return claims.exp * 1000;
}

async function scopeCovers(db: D1Database, scope: string, topic: Topic, key: string): Promise<boolean> {
  if (scope === 'all' || scope === key) return true;
  if (topic.kind !== 'run') return false;
  const granted = parseTopicKey(scope);
  if (granted.kind !== 'workflow' && granted.kind !== 'ref') return false;
  const run = await getRunTopicFields(db, topic.runId);
  return run !== null && eventInTopic(run, granted);
}
