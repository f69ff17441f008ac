import type { EventRef } from './rows.js';
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
