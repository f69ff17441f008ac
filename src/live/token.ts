import { FlowflareError } from '../shared/errors.js';

import { DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS } from './token-limits.js';

/** What a subscription token grants: one topic key (`all` covers every topic) until `exp`. */
export interface TokenClaims {
  /** Topic key the token is for. */
  scope: string;
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

async function hmacKey(secret: string): Promise<CryptoKey> {
  // Tokens are signed with a key derived from the API key, never with the API key itself.
  const base = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const derived = await crypto.subtle.sign('HMAC', base, encoder.encode('flowflare subscription token v1'));
  return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/**
 * Mints a signed subscription token (HMAC-SHA256) for one topic.
 * @param secret the service's API key
 * @param scope topic key, such as `run:abc` or `all`
 * @param ttlSeconds life of the token @default 900
 */
export async function signToken(secret: string, scope: string, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS, now = Date.now()): Promise<{ token: string; claims: TokenClaims }> {
  const iat = Math.floor(now / 1000);
  const claims: TokenClaims = { scope, iat, exp: iat + Math.min(Math.max(1, Math.floor(ttlSeconds)), MAX_TOKEN_TTL_SECONDS) };
  const body = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(body)));
  return { token: `${body}.${base64url(signature)}`, claims };
}

/** Why a token was refused. */
export type TokenProblem = 'malformed' | 'bad_signature' | 'expired';

/**
 * Checks a token's signature and expiry.
 * @returns the claims, or throws a 401 {@link FlowflareError} that says what is wrong
 */
export async function verifyToken(secret: string, token: string, now = Date.now()): Promise<TokenClaims> {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) throw tokenError('malformed', 'the subscription token is malformed');
  let valid = false;
  try {
    valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), fromBase64url(signature), encoder.encode(body));
  } catch {
    valid = false;
  }
  if (!valid) throw tokenError('bad_signature', 'the subscription token has a bad signature');
  let claims: TokenClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(body))) as TokenClaims;
  } catch {
    throw tokenError('malformed', 'the subscription token is malformed');
  }
  if (typeof claims.exp !== 'number' || typeof claims.scope !== 'string') throw tokenError('malformed', 'the subscription token is malformed');
  if (claims.exp * 1000 <= now) throw tokenError('expired', 'the subscription token has expired; get a new one');
  return claims;
}

function tokenError(problem: TokenProblem, message: string): FlowflareError {
  return new FlowflareError(problem === 'expired' ? 'TOKEN_EXPIRED' : 'BAD_TOKEN', message, { status: 401 });
}
