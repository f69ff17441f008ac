import { FlowflareError } from '../shared/errors.js';

import { DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS } from './token-limits.js';

/** What a subscription token grants: one topic key (`all` covers every topic) until `exp`. */
export interface TokenClaims {
  /** Topic key the token is for. */
  scope: string;
  /** Id of the signing key: a token signed with a key since rotated away is refused. */
  kid: string;
  /** Id of the stored API key that asked for the token (`null`: the bootstrap key); revoking it revokes its tokens. */
  key: string | null;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issue time, seconds since the epoch. */
  iat: number;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const raw = atob(b64);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function derive(secret: string, purpose: string): Promise<ArrayBuffer> {
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', base, encoder.encode(purpose));
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  // Tokens are signed with a key derived from the secret, never with the secret itself.
  const derived = await derive(secret, 'flowflare subscription token v1');
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** The id tokens signed with `secret` carry (it reveals nothing of the secret). */
export async function signingKeyId(secret: string): Promise<string> {
  return base64url(new Uint8Array(await derive(secret, 'flowflare subscription token key id v1')).slice(0, 9));
}

/**
 * Mints a signed subscription token (HMAC-SHA256) for one topic.
 * @param secret the token signing secret (`TOKEN_SIGNING_KEY`, or `SERVICE_API_KEY` without one)
 * @param scope topic key, such as `run:abc` or `all`
 * @param ttlSeconds life of the token @default 900
 * @param key id of the stored API key that asks for it, `null` for the bootstrap key
 */
export async function signToken(
  secret: string,
  scope: string,
  ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
  now = Date.now(),
  key: string | null = null,
): Promise<{ token: string; claims: TokenClaims }> {
  const iat = Math.floor(now / 1000);
  const exp = iat + Math.min(Math.max(1, Math.floor(ttlSeconds)), MAX_TOKEN_TTL_SECONDS);
  const claims: TokenClaims = { scope, kid: await signingKeyId(secret), key, iat, exp };
  const body = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(body)));
  return { token: `${body}.${base64url(signature)}`, claims };
}

/** Why a token was refused. */
export type TokenProblem = 'malformed' | 'bad_signature' | 'expired' | 'rotated';

/**
 * Checks a token's signing key, signature and expiry.
 * @param secrets the signing secrets accepted now: the current one first, then the previous one
 *   while a rotation lasts
 * @returns the claims, or throws a 401 {@link FlowflareError} that says what is wrong
 */
export async function verifyToken(secrets: readonly string[], token: string, now = Date.now()): Promise<TokenClaims> {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) throw tokenError('malformed', 'the subscription token is malformed');
  let claims: TokenClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(body))) as TokenClaims;
  } catch {
    throw tokenError('malformed', 'the subscription token is malformed');
  }
  if (typeof claims !== 'object' || claims === null || typeof claims.exp !== 'number' || typeof claims.scope !== 'string' || typeof claims.kid !== 'string') {
    throw tokenError('malformed', 'the subscription token is malformed');
  }
  let secret: string | undefined;
  for (const candidate of secrets) if ((await signingKeyId(candidate)) === claims.kid) secret = candidate;
  if (secret === undefined) throw tokenError('rotated', 'the subscription token was signed with a key that has been rotated; get a new one');
  let valid = false;
  try {
    valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), fromBase64url(signature), encoder.encode(body));
  } catch {
    valid = false;
  }
  if (!valid) throw tokenError('bad_signature', 'the subscription token has a bad signature');
  if (claims.exp * 1000 <= now) throw tokenError('expired', 'the subscription token has expired; get a new one');
  return claims;
}

function tokenError(problem: TokenProblem, message: string): FlowflareError {
  return new FlowflareError(problem === 'expired' ? 'TOKEN_EXPIRED' : 'BAD_TOKEN', message, { status: 401 });
}
