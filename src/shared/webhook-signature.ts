/**
 * Signing of Flowflare's webhook notifications, in the manner of Stripe and Svix: an HMAC-SHA256
 * over `${timestamp}.${body}` with a shared secret, sent as `Flowflare-Signature: t=<unix
 * seconds>,v1=<hex>`, beside `Flowflare-Id` (the notification's idempotency key) and
 * `Flowflare-Timestamp`. WebCrypto only: it runs in Workers, Node 22 and browsers.
 */

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Flowflare-Signature';
/** The header carrying the notification's id: the same on every redelivery of one notification. */
export const ID_HEADER = 'Flowflare-Id';
/** The header carrying the signing time (unix seconds), also inside the signature. */
export const TIMESTAMP_HEADER = 'Flowflare-Timestamp';

/** Signatures older (or newer) than this are refused unless told otherwise. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Headers as Workers (`Headers`) or Node (`IncomingHttpHeaders`, any case) give them. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

async function hmacHex(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(text));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The signature header value of a body signed at `timestamp`.
 * @param timestamp unix seconds
 */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

function header(headers: HeadersLike, name: string): string | null {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) return Array.isArray(value) ? value.join(',') : value;
  }
  return null;
}

/** Compares two strings in time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyOptions {
  /** Largest distance between the signing time and `now`, in seconds. @default 300 */
  toleranceSeconds?: number;
  /** The time to check against, in ms since the epoch. @default Date.now() */
  now?: number;
}

/**
 * Checks a Flowflare webhook notification: its `Flowflare-Signature` must hold an HMAC-SHA256 of
 * `${t}.${body}` with `secret` (any of several `v1=` values, while a secret is rotated), and `t`
 * must be within the tolerance of now (a replayed old notification is refused). Pass the body
 * exactly as received, before parsing it.
 * @returns true for a genuine, timely notification
 * @example
 * // Node 22 (node:http) or a Worker
 * const body = await readBody(request); // the raw text
 * if (!(await verifyWebhookSignature(process.env.ALERT_WEBHOOK_SECRET!, request.headers, body))) return reply(400);
 * const alert = JSON.parse(body); // dedupe on request.headers['flowflare-id']
 */
export async function verifyWebhookSignature(secret: string, headers: HeadersLike, body: string, options: VerifyOptions = {}): Promise<boolean> {
  const value = header(headers, SIGNATURE_HEADER);
  if (!value || !secret) return false;
  let timestamp = Number.NaN;
  const given: string[] = [];
  for (const part of value.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const text = rest.join('=');
    if (key === 't') timestamp = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    else if (key === 'v1') given.push(text);
  }
  if (!Number.isFinite(timestamp) || given.length === 0) return false;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs((options.now ?? Date.now()) / 1000 - timestamp) > tolerance) return false;
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  return given.some((signature) => sameText(signature, expected));
}
