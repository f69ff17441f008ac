import { runBatch } from '../db/batch.js';
import type { EventRow } from '../db/rows.js';
import type { Statement } from '../db/statement.js';

/** Statements kept per database after a failed write; past this the oldest are dropped, loudly. */
export const MAX_PENDING_STATEMENTS = 2000;

/** Pause before the one retry of a failed tracking write, in milliseconds. */
export const RETRY_DELAY_MS = 50;

interface Lane {
  /** Statements whose write failed, sent first with the next write. */
  pending: Statement[];
  /** Tail of the write chain: writes to one database go out one after another, in order. */
  tail: Promise<unknown>;
}

const lanes = new WeakMap<D1Database, Lane>();

function laneOf(db: D1Database): Lane {
  let lane = lanes.get(db);
  if (!lane) {
    lane = { pending: [], tail: Promise.resolve() };
    lanes.set(db, lane);
  }
  return lane;
}

/** Something to do with the events a successful write appended (publish them live). */
export type EventSink = (events: EventRow[]) => void;

/**
 * Writes tracking statements as one D1 batch, after any statements an earlier write could not
 * deliver. It never throws: a failed batch is retried once, then its statements are kept and sent
 * with the next write to the same database, and the failure is logged with `console.error`.
 * Writes to one database are sent in the order they were made.
 * @returns the events the batch appended (none when the write failed)
 */
export function writeTracking(db: D1Database, statements: readonly Statement[], sink?: EventSink): Promise<EventRow[]> {
  const lane = laneOf(db);
  const run = lane.tail.then(() => deliver(db, lane, statements, sink));
  lane.tail = run;
  return run;
}

/** Sends whatever earlier writes could not deliver. Resolves to `true` when nothing is left over. */
export async function flushTracking(db: D1Database, sink?: EventSink): Promise<boolean> {
  await writeTracking(db, [], sink);
  return laneOf(db).pending.length === 0;
}

/** Number of statements waiting to be written after a failure (for diagnostics and tests). */
export function pendingTrackingWrites(db: D1Database): number {
  return lanes.get(db)?.pending.length ?? 0;
}

async function deliver(
  db: D1Database,
  lane: Lane,
  statements: readonly Statement[],
  sink: EventSink | undefined,
): Promise<EventRow[]> {
  const batch = [...lane.pending, ...statements];
  if (batch.length === 0) return [];
  lane.pending = [];
  let results: D1Result<Record<string, unknown>>[];
  try {
    results = await runBatch(db, batch);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    try {
      results = await runBatch(db, batch);
    } catch (error) {
      keep(lane, batch, error);
      return [];
    }
  }
  const events = results.flatMap((r) => (r.results ?? []) as unknown as EventRow[]).filter(isEventRow);
  if (sink && events.length > 0) {
    try {
      sink(events);
    } catch (error) {
      console.error('[flowflare] publishing tracked events failed:', error);
    }
  }
  return events;
}

function keep(lane: Lane, batch: Statement[], error: unknown): void {
  lane.pending = batch;
  const overflow = lane.pending.length - MAX_PENDING_STATEMENTS;
  if (overflow > 0) {
    lane.pending.splice(0, overflow);
    console.error(`[flowflare] tracking writes LOST: ${overflow} statement(s) dropped, D1 has failed for too long`);
  }
  console.error(
    `[flowflare] tracking write failed twice; ${lane.pending.length} statement(s) kept and sent with the next tracking write:`,
    error instanceof Error ? error.message : error,
  );
}

function isEventRow(row: unknown): row is EventRow {
  return typeof row === 'object' && row !== null && 'kind' in row && 'data' in row && 'id' in row;
}
