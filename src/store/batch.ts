import type { EventRef, RunRow } from './rows.js';
import { prepareAll, type Statement } from './statement.js';

/** Sends statements to D1 as one `batch()`: one round trip, one transaction. */
export async function runBatch<T = Record<string, unknown>>(
  db: D1Database,
  statements: readonly Statement[],
): Promise<D1Result<T>[]> {
  if (statements.length === 0) return [];
  return db.batch<T>(prepareAll(db, statements));
}

/** The events a batch appended to the log (the rows its `RETURNING` clauses gave back). */
export function eventRefsOf(results: readonly D1Result<Record<string, unknown>>[]): EventRef[] {
  return results.flatMap((r) => (r.results ?? []) as unknown[]).filter(isEventRef);
}

function isEventRef(row: unknown): row is EventRef {
  return typeof row === 'object' && row !== null && 'kind' in row && 'content_key' in row && 'entity' in row;
}

/** What one batch write returned: D1's results, the events it appended and the runs its SELECTs read. */
export interface WriteResult {
  results: D1Result<Record<string, unknown>>[];
  events: EventRef[];
  runs: RunRow[];
}

/**
 * The one write: statements go to D1 as one batch (one transaction). Every writer (the service's
 * requests, the engine followers, the helpers' tracking writer) writes through here; it throws what
 * D1 throws, for the caller to classify with `d1ErrorKind`.
 */
export async function writeBatch(db: D1Database, statements: readonly Statement[]): Promise<WriteResult> {
  const results = await runBatch<Record<string, unknown>>(db, statements);
  const rows = results.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
  return {
    results,
    events: eventRefsOf(results),
    runs: rows.filter((r) => 'workflow_name' in r && 'input_params' in r) as unknown as RunRow[],
  };
}
