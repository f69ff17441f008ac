import type * as z from 'zod/mini';
import type { apiKeyRecordSchema, auditEntrySchema, callerSchema, createdApiKeySchema, keyScopesSchema } from './record-schemas.js';

/**
 * What a key may do. Each role includes the one before it:
 * - `read`: list, count and read runs and workflows, and follow them live;
 * - `operate`: also start runs and control them (pause, resume, terminate, restart, retry, events);
 * - `admin`: also manage API keys and read the audit trail.
 */
export type Role = 'read' | 'operate' | 'admin';

/** The roles, weakest first. */
export const ROLES: readonly Role[] = ['read', 'operate', 'admin'];

/** True when `held` includes everything `needed` allows. */
export function roleIncludes(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/**
 * What part of the runs a key sees. Each list that is given narrows it: a run is in scope when its
 * workflow is in `workflows` (if given) and its `ref_type` is in `ref_types` (if given).
 */
export type KeyScopes = z.output<typeof keyScopesSchema>;

/** An API key as lists show it: never its secret. */
export type ApiKeyRecord = z.output<typeof apiKeyRecordSchema>;

/** A key just created: the only time its secret is shown. */
export type CreatedApiKey = z.output<typeof createdApiKeySchema>;

/** Who is calling: the bootstrap key (`SERVICE_API_KEY`) or a stored key. */
export type Caller = z.output<typeof callerSchema>;

/** One entry of the audit trail. */
export type AuditEntry = z.output<typeof auditEntrySchema>;
