import type { ApiKeyRecord, KeyScopes } from '../shared/access.js';
import { sql, type Statement } from './statement.js';

/** An `api_keys` row as D1 returns it: the record, its scopes as JSON text, and the hash. */
export interface ApiKeyRow extends Omit<ApiKeyRecord, 'scopes'> {
  scopes: string | null;
  hash: string;
}

/** A row as the API shows it (no hash). */
export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as KeyScopes),
    prefix: row.prefix,
    created_at: row.created_at,
    created_by: row.created_by,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    last_used_at: row.last_used_at,
  };
}

/** True when a key may be used at `now`: not revoked, not past its expiry. */
export function keyIsLive(row: ApiKeyRow, now = Date.now()): boolean {
  return row.revoked_at === null && (row.expires_at === null || Date.parse(row.expires_at) > now);
}

/** Stores a new key (its hash only). */
export function insertKey(row: Omit<ApiKeyRow, 'revoked_at' | 'last_used_at'>): Statement {
  return sql(
    'INSERT INTO api_keys (id, name, role, scopes, hash, prefix, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
    row.id,
    row.name,
    row.role,
    row.scopes,
    row.hash,
    row.prefix,
    row.created_at,
    row.created_by,
    row.expires_at,
  );
}

/** The key whose secret hashes to `hash`, revoked or not. */
export async function findKeyByHash(db: D1Database, hash: string): Promise<ApiKeyRow | null> {
  return db.prepare('SELECT * FROM api_keys INDEXED BY api_keys_hash WHERE hash = ?').bind(hash).first<ApiKeyRow>();
}

/** One key by id. */
export async function getKey(db: D1Database, id: string): Promise<ApiKeyRow | null> {
  return db.prepare('SELECT * FROM api_keys WHERE id = ?').bind(id).first<ApiKeyRow>();
}

/** Every key, newest first (an account has a handful, not thousands). */
export async function listKeys(db: D1Database): Promise<ApiKeyRow[]> {
  return (await db.prepare('SELECT * FROM api_keys ORDER BY created_at DESC, id DESC').all<ApiKeyRow>()).results;
}

/** Revokes a key (once: a revoked key keeps its first revocation time). */
export function revokeKey(id: string, now: string): Statement {
  return sql('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *', now, id);
}

/** Notes when a key was last used (at most once a minute per key, by the caller). */
export async function touchKey(db: D1Database, id: string, now: string): Promise<void> {
  await db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').bind(now, id).run();
}
