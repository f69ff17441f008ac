import { getRunTopicFields } from '../store/runs.js';
import { TOKEN_SUBPROTOCOL_PREFIX } from '../browser/protocol.js';
import { verifyToken } from '../live/token.js';
import { eventInTopic, parseTopicKey, type Topic } from '../live/topics.js';
import { FlowflareError, ForbiddenError, UnauthorizedError } from '../shared/errors.js';
import { getKey, keyIsLive } from '../store/keys.js';
import { authenticate, requestApiKey } from './auth.js';
import { assertTopicInScope } from './topic-scope.js';
import type { ResolvedOptions } from './options.js';

/** The env a token signer reads. */
export interface SigningEnv {
  SERVICE_API_KEY?: unknown;
  SERVICE_API_KEY_PREVIOUS?: unknown;
  TOKEN_SIGNING_KEY?: unknown;
  TOKEN_SIGNING_KEY_PREVIOUS?: unknown;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * The secrets subscription tokens are signed with, current first: `TOKEN_SIGNING_KEY` (and
 * `TOKEN_SIGNING_KEY_PREVIOUS` while it rotates), or else `SERVICE_API_KEY` (and
 * `SERVICE_API_KEY_PREVIOUS`). Rotating the token key revokes every token and no API key.
 */
export function signingSecrets(env: SigningEnv): string[] {
  const own = text(env.TOKEN_SIGNING_KEY);
  const secrets = own ? [own, text(env.TOKEN_SIGNING_KEY_PREVIOUS)] : [text(env.SERVICE_API_KEY), text(env.SERVICE_API_KEY_PREVIOUS)];
  const present = secrets.filter((s): s is string => s !== null);
  if (present.length > 0) return present;
  throw new FlowflareError('NOT_CONFIGURED', 'Subscription tokens need the SERVICE_API_KEY (or TOKEN_SIGNING_KEY) secret to sign with.', { status: 503 });
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
export async function authenticateSocket(
  request: Request,
  env: { DB: D1Database } & SigningEnv,
  options: ResolvedOptions,
  topic: Topic,
  key: string,
): Promise<number | null> {
  const token = requestToken(request);
  if (token === null) {
    const configured = typeof env.SERVICE_API_KEY === 'string' && env.SERVICE_API_KEY.length > 0;
    if (configured && requestApiKey(request) === null) {
      throw new UnauthorizedError('Missing API key or subscription token: send the key (Authorization: Bearer <key>) or a token (?token= or the flowflare-token.<token> sub-protocol).');
    }
    await assertTopicInScope(env.DB, await authenticate(request, env, options), topic);
    return null;
  }
  const claims = await verifyToken(signingSecrets(env), token);
  if (typeof claims.key === 'string' && !(await keyStillValid(env.DB, claims.key))) {
    throw new UnauthorizedError('The API key that asked for this subscription token has been revoked or has expired.');
  }
  if (!(await scopeCovers(env.DB, claims.scope, topic, key))) {
    throw new ForbiddenError(`This token is for topic '${claims.scope}', not '${key}'.`);
  }
  return claims.exp * 1000;
}

async function keyStillValid(db: D1Database, id: string): Promise<boolean> {
  const row = await getKey(db, id);
  return row !== null && keyIsLive(row);
}

async function scopeCovers(db: D1Database, scope: string, topic: Topic, key: string): Promise<boolean> {
  if (scope === 'all' || scope === key) return true;
  if (topic.kind !== 'run') return false;
  const granted = parseTopicKey(scope);
  if (granted.kind !== 'workflow' && granted.kind !== 'ref') return false;
  const run = await getRunTopicFields(db, topic.runId);
  return run !== null && eventInTopic(run, granted);
}
