import { roleIncludes, type Caller, type KeyScopes, type Role } from '../shared/access.js';
import { ForbiddenError, NotFoundError } from '../shared/errors.js';
import { findKeyByHash, keyIsLive, toApiKey, touchKey, type ApiKeyRow } from '../store/keys.js';

/** How long an isolate trusts what it read of a key; a revoked key is refused within this time. */
export const KEY_CACHE_MS = 10_000;
/** Most key lookups one isolate remembers. */
const MAX_CACHED_KEYS = 1000;
/** `last_used_at` is written at most this often per key. */
const TOUCH_EVERY_MS = 60_000;

/** The bootstrap key: everything, unscoped. */
export const BOOTSTRAP_CALLER: Caller = { keyId: null, name: 'SERVICE_API_KEY', role: 'admin', scopes: null };

const cache = new Map<string, { row: ApiKeyRow | null; at: number }>();
const touched = new Map<string, number>();

/** A SHA-256 digest as hex: what `api_keys.hash` stores. */
export function digestHex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `bytes` random bytes as hex: ids of keys, rules and alerts. */
export function randomHex(bytes: number): string {
  return digestHex(crypto.getRandomValues(new Uint8Array(bytes)).buffer);
}

/** SHA-256 of a key, hex. */
export async function hashKey(key: string): Promise<string> {
  return digestHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
}

/**
 * The stored key whose secret has this SHA-256 digest, if it is valid now (not revoked, not
 * expired), as the caller it makes. Reads are cached per isolate for {@link KEY_CACHE_MS}.
 */
export async function storedKeyCaller(db: D1Database, keyDigest: ArrayBuffer, ctx?: ExecutionContext): Promise<Caller | null> {
  const hash = digestHex(keyDigest);
  const now = Date.now();
  let hit = cache.get(hash);
  if (!hit || now - hit.at > KEY_CACHE_MS) {
    hit = { row: await findKeyByHash(db, hash), at: now };
    // wrong keys are cached too (a flood of them costs one read each per 10 s), within a bound
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(hash, hit);
  }
  const row = hit.row;
  if (!row || !keyIsLive(row, now)) return null;
  if (now - (touched.get(row.id) ?? 0) > TOUCH_EVERY_MS) {
    touched.set(row.id, now);
    const touch = touchKey(db, row.id, new Date(now).toISOString()).catch(() => undefined);
    if (ctx) ctx.waitUntil(touch);
  }
  return { keyId: row.id, name: row.name, role: row.role, scopes: toApiKey(row).scopes };
}

/** Forgets what this isolate read of keys (after a revocation made here). */
export function forgetKeys(): void {
  cache.clear();
}

/** Throws a 403 unless the caller's role includes `needed`. */
export function requireRole(caller: Caller, needed: Role, what: string): void {
  if (!roleIncludes(caller.role, needed)) {
    throw new ForbiddenError(`This key (${caller.name}, role ${caller.role}) cannot ${what}: that needs the ${needed} role.`);
  }
}

/** True when a run of this workflow and `ref_type` is in the caller's scope. */
export function inScope(caller: Caller, run: { workflow_name: string; ref_type: string | null }): boolean {
  const s = caller.scopes;
  if (!s) return true;
  if (s.workflows && !s.workflows.includes(run.workflow_name)) return false;
  if (s.ref_types && (run.ref_type === null || !s.ref_types.includes(run.ref_type))) return false;
  return true;
}

/** Throws a 403 naming the scope when the caller may not start or see runs of this workflow/ref_type. */
export function requireScope(caller: Caller, run: { workflow_name: string; ref_type: string | null }): void {
  if (inScope(caller, run)) return;
  throw new ForbiddenError(`This key (${caller.name}) is scoped to ${describeScopes(caller.scopes!)}; '${run.workflow_name}'${run.ref_type ? ` with ref_type '${run.ref_type}'` : ''} is outside it.`);
}

/**
 * A run outside the caller's scope is answered as if it did not exist, so that a scoped key cannot
 * learn which run ids exist.
 */
export function requireRunInScope<T extends { workflow_name: string; ref_type: string | null }>(caller: Caller, run: T | null, runId: string): T {
  if (!run || !inScope(caller, run)) throw new NotFoundError(`Unknown run '${runId}'.`);
  return run;
}

/** "workflows a, b and ref_types c" */
export function describeScopes(s: KeyScopes): string {
  const parts: string[] = [];
  if (s.workflows) parts.push(`workflows ${s.workflows.join(', ')}`);
  if (s.ref_types) parts.push(`ref_types ${s.ref_types.join(', ')}`);
  return parts.join(' and ');
}
