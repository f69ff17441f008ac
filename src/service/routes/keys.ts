import type { CreatedApiKey } from '../../shared/access.js';
import type { Page } from '../../shared/api.js';
import type { AuditEntry } from '../../shared/access.js';
import { NotFoundError } from '../../shared/errors.js';
import { nowIso } from '../../ingest/serialize.js';
import { auditStatement, listAudit } from '../../store/audit.js';
import { writeBatch } from '../../store/batch.js';
import { getKey, insertKey, listKeys, revokeKey, toApiKey, type ApiKeyRow } from '../../store/keys.js';
import { forgetKeys, hashKey, randomHex } from '../access.js';
import { auditQuerySchema, createKeySchema } from '../access-schemas.js';
import { readJson, readQuery } from '../body.js';
import { callerOf, json, param, type RouteContext, type ServiceRouter } from '../context.js';
import { serviceDb } from '../storage.js';

/** Stored keys start with this, so that they are easy to recognise (and to scan for in leaks). */
export const KEY_PREFIX = 'ffk_';

/**
 * `GET /api/me` (any key: who it is), and for admin keys `POST /api/keys`, `GET /api/keys`,
 * `DELETE /api/keys/:id` and `GET /api/audit`.
 */
export function keyRoutes(router: ServiceRouter, { options }: RouteContext): void {
  router.get('/me', (request) => json({ caller: callerOf(request) }));

  router.post('/keys', async (request, env) => {
    const input = await readJson(request, createKeySchema, options.maxBodyBytes, 'POST /api/keys');
    const caller = callerOf(request);
    const secret = `${KEY_PREFIX}${randomHex(24)}`;
    const now = nowIso();
    const row: Omit<ApiKeyRow, 'revoked_at' | 'last_used_at'> = {
      id: `key_${randomHex(8)}`,
      name: input.name,
      role: input.role as ApiKeyRow['role'],
      scopes: input.scopes ? JSON.stringify(input.scopes) : null,
      hash: await hashKey(secret),
      prefix: secret.slice(0, KEY_PREFIX.length + 6),
      created_at: now,
      created_by: caller.name,
      expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
    };
    const details = { key_id: row.id, name: row.name, role: row.role, scopes: input.scopes ?? null };
    const written = await writeBatch(serviceDb(env), [insertKey(row), auditStatement(caller, { action: 'key.create', details }, now)]);
    const stored = written.results[0]!.results[0] as unknown as ApiKeyRow;
    const body: CreatedApiKey = { ...toApiKey(stored), key: secret };
    return json(body, 201);
  });

  router.get('/keys', async (_request, env) => json({ data: (await listKeys(serviceDb(env))).map(toApiKey) }));

  router.delete('/keys/:id', async (request, env) => {
    const id = param(request, 'id');
    const db = serviceDb(env);
    const existing = await getKey(db, id);
    if (!existing) throw new NotFoundError(`No API key '${id}'.`);
    const now = nowIso();
    const written = await writeBatch(db, [revokeKey(id, now), auditStatement(callerOf(request), { action: 'key.revoke', details: { key_id: id, name: existing.name } }, now)]);
    forgetKeys();
    return json(toApiKey(written.results[0]!.results[0] as unknown as ApiKeyRow));
  });

  router.get('/audit', async (request, env) => {
    const q = readQuery(request, auditQuerySchema, 'GET /api/audit');
    const limit = q.limit ?? 50;
    const rows = await listAudit(serviceDb(env), { run_id: q.run_id, action: q.action, before: q.cursor === undefined ? undefined : Number(q.cursor) }, limit + 1);
    const page = rows.slice(0, limit);
    const body: Page<AuditEntry> = { data: page, next_cursor: rows.length > limit ? String(page.at(-1)!.id) : null };
    return json(body);
  });
}
