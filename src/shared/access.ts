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
export interface KeyScopes {
  workflows?: string[];
  ref_types?: string[];
}

/** An API key as lists show it: never its secret. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  /** `null`: every run. */
  scopes: KeyScopes | null;
  /** The key's first characters, to recognise it. */
  prefix: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** A key just created: the only time its secret is shown. */
export interface CreatedApiKey extends ApiKeyRecord {
  /** The secret to send as `Authorization: Bearer <key>`; it cannot be read again. */
  key: string;
}

/** Who is calling: the bootstrap key (`SERVICE_API_KEY`) or a stored key. */
export interface Caller {
  /** The stored key's id; `null` for the bootstrap key (and an unauthenticated local service). */
  keyId: string | null;
  /** The key's name, as the audit trail records it. */
  name: string;
  role: Role;
  /** `null`: every run. */
  scopes: KeyScopes | null;
}

/** One entry of the audit trail. */
export interface AuditEntry {
  id: number;
  at: string;
  /** Name of the key that acted. */
  actor: string;
  /** Its id; `null` for the bootstrap key. */
  key_id: string | null;
  /** `start`, `retry`, `pause`, `resume`, `terminate`, `restart`, `event`, `key.create`, `key.revoke`, `import`. */
  action: string;
  run_id: string | null;
  details: Record<string, unknown> | null;
}
