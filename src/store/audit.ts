import type { AuditEntry, Caller } from '../shared/access.js';
import { sql, type SqlValue, type Statement } from './statement.js';

/** An `audit_log` row as D1 returns it: the entry with its details as JSON text. */
interface AuditRow extends Omit<AuditEntry, 'details'> {
  details: string | null;
}

/** What an audit entry records; `details` is stored as JSON. */
export interface AuditFact {
  action: string;
  runId?: string | null;
  details?: Record<string, unknown> | null;
}

/** Appends one entry; it goes in the same D1 batch as the action it records. */
export function auditStatement(caller: Caller, fact: AuditFact, now: string): Statement {
  return sql(
    'INSERT INTO audit_log (at, actor, key_id, action, run_id, details) VALUES (?, ?, ?, ?, ?, ?)',
    now,
    caller.name,
    caller.keyId,
    fact.action,
    fact.runId ?? null,
    fact.details ? JSON.stringify(fact.details) : null,
  );
}

/** Filters of the audit trail; entries come newest first, `before` pages back. */
export interface AuditFilters {
  run_id?: string;
  action?: string;
  /** Entries with an id below this one (the `next_cursor` of the previous page). */
  before?: number;
}

/** One page of the audit trail, newest first, through `audit_by_run` or `audit_by_action` when filtered. */
export async function listAudit(db: D1Database, filters: AuditFilters, limit: number): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  let index = '';
  if (filters.run_id !== undefined) {
    where.push('run_id = ?');
    params.push(filters.run_id);
    index = ' INDEXED BY audit_by_run';
  } else if (filters.action !== undefined) {
    index = ' INDEXED BY audit_by_action';
  }
  if (filters.action !== undefined) {
    where.push('action = ?');
    params.push(filters.action);
  }
  if (filters.before !== undefined) {
    where.push('id < ?');
    params.push(filters.before);
  }
  const text = `SELECT * FROM audit_log${index}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const rows = (await db.prepare(text).bind(...params, limit).all<AuditRow>()).results;
  return rows.map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as Record<string, unknown>) }));
}
