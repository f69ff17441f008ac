import { prepareAll, type Statement } from './statement.js';

/** Sends statements to D1 as one `batch()`: one round trip, one transaction. */
export async function runBatch<T = Record<string, unknown>>(
  db: D1Database,
  statements: readonly Statement[],
): Promise<D1Result<T>[]> {
  if (statements.length === 0) return [];
  return db.batch<T>(prepareAll(db, statements));
}
