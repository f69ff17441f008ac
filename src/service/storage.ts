import { eventRefsOf, runBatch } from '../db/batch.js';
import type { EventRef, RunRow } from '../db/rows.js';
import type { Statement } from '../db/statement.js';
import { FlowflareError } from '../shared/errors.js';

/** What one service write returned: the events it appended and the rows its SELECTs read. */
export interface WriteResult {
  events: EventRef[];
  runs: RunRow[];
}

/**
 * Sends the service's writes as one D1 batch and waits for it. Unlike tracking inside a workflow,
 * a request can report a failure, so this throws; the error handler makes it a clean 503.
 */
export async function writeBatch(db: D1Database, statements: readonly Statement[]): Promise<WriteResult> {
  const results = await runBatch(db, statements);
  const rows = results.flatMap((r) => (r.results ?? []) as Record<string, unknown>[]);
  return {
    events: eventRefsOf(results),
    runs: rows.filter((r) => 'workflow_name' in r && 'input_params' in r) as unknown as RunRow[],
  };
}

/** True for the error D1 raises when a UNIQUE index refuses a row. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/i.test(error.message);
}

/** The D1 binding, or a configuration error that says how to add it. */
export function serviceDb(env: { DB?: unknown }): D1Database {
  const db = env.DB as D1Database | undefined;
  if (db && typeof db.prepare === 'function' && typeof db.batch === 'function') return db;
  throw new FlowflareError(
    'NOT_CONFIGURED',
    'The workflow service has no D1 binding named DB: add [[d1_databases]] with binding = "DB" (npx flowflare-setup does it).',
    { status: 503 },
  );
}
