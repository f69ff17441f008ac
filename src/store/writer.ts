import { publishSafely, type EventSink } from '../live/publish.js';
import { eventRefsOf, writeBatch } from './batch.js';
import { d1ErrorKind } from './errors.js';
import type { EventRef } from './rows.js';
import type { Statement } from './statement.js';

/** Statements kept per database after a failed write; past this the oldest are dropped, loudly. */
export const MAX_PENDING_STATEMENTS = 2000;

/** A lingering batch leaves as soon as this many statements wait, so no batch grows large. */
export const LINGER_MAX_STATEMENTS = 48;

/** Pause before the one retry of a failed tracking write, in milliseconds. */
export const RETRY_DELAY_MS = 50;

/** What became of one tracking write. */
export interface WriteOutcome {
  /** False when D1 failed twice and the statements were kept for the next write. */
  written: boolean;
  /** D1's result for each statement of this write, in order (empty when not written). */
  results: D1Result<Record<string, unknown>>[];
  /** Events this write appended to the log. */
  events: EventRef[];
  /** Settles when the events have been handed to the sink (published live). */
  published: Promise<void>;
}


interface Queued {
  statements: readonly Statement[];
  sink: EventSink | undefined;
  /** How long this write may wait for others to join its batch, in milliseconds. */
  lingerMs: number;
  resolve: (outcome: WriteOutcome) => void;
}

interface Lane {
  /** Statements whose write failed; they go first in the next batch. */
  kept: Statement[];
  /** Writes waiting for the batch in flight to finish; they leave together as one batch. */
  queue: Queued[];
  /** The batch in flight, if any. */
  flight: Promise<void> | null;
  /** Ends the lingering wait early (a write that must not wait has arrived). */
  wake: (() => void) | null;
}

/**
 * Lanes per database and scope (the run a write belongs to). Runs never share a lane: in workerd
 * each Workflow instance runs in its own request context, and a promise settled from another
 * context's I/O may never wake its waiter (the runtime then cancels the instance as hung). So only
 * writes of one run coalesce and wait on each other.
 */
const lanes = new WeakMap<D1Database, Map<string, Lane>>();

function scopesOf(db: D1Database): Map<string, Lane> {
  let scopes = lanes.get(db);
  if (!scopes) {
    scopes = new Map();
    lanes.set(db, scopes);
  }
  return scopes;
}

function laneOf(db: D1Database, scope: string): Lane {
  const scopes = scopesOf(db);
  let lane = scopes.get(scope);
  if (!lane) {
    lane = { kept: [], queue: [], flight: null, wake: null };
    scopes.set(scope, lane);
  }
  return lane;
}

/**
 * Writes tracking statements to D1 and never throws; the write's events go to `sink` (published
 * live) without holding up the next batch. Writes of one scope (one run) leave in order, one
 * batch at a time; writes made while a batch is in flight are coalesced into the next batch, so a
 * burst of transitions costs one round trip. A failed batch is retried once; if it fails again its
 * statements are kept, sent first with the scope's next write, and the failure is logged with
 * `console.error`.
 * @param scope the run the write belongs to (its instance id); writes of different runs never wait on each other
 * @param lingerMs how long the write may wait for later writes to join its batch, for writes nobody
 *   awaits; a write with no linger ends the wait @default 0
 */
export function writeTracking(db: D1Database, statements: readonly Statement[], sink?: EventSink, scope = '', lingerMs = 0): Promise<WriteOutcome> {
  const lane = laneOf(db, scope);
  return new Promise((resolve) => {
    lane.queue.push({ statements, sink, lingerMs, resolve });
    if (lingerMs === 0 || queuedStatements(lane) >= LINGER_MAX_STATEMENTS) lane.wake?.();
    if (!lane.flight) lane.flight = pump(db, lane, scope);
  });
}

/** Writes, then waits until the write's events are published too. */
export async function writeAndPublish(db: D1Database, statements: readonly Statement[], sink?: EventSink, scope = ''): Promise<WriteOutcome> {
  const outcome = await writeTracking(db, statements, sink, scope);
  await outcome.published;
  return outcome;
}

/**
 * Waits until every tracking write made so far has left, and sends what an earlier failure kept.
 * @param scope one run's writes; omitted: every run's
 * @returns `true` when nothing is left waiting
 */
export async function flushTracking(db: D1Database, sink?: EventSink, scope?: string): Promise<boolean> {
  const scopes = scope === undefined ? [...scopesOf(db).keys()] : [scope];
  await Promise.all(scopes.map((s) => writeTracking(db, [], sink, s)));
  return pendingTrackingWrites(db, scope) === 0;
}

/** Number of statements kept after a failure and not yet written (for diagnostics and tests). */
export function pendingTrackingWrites(db: D1Database, scope?: string): number {
  const scopes = lanes.get(db);
  if (!scopes) return 0;
  if (scope !== undefined) return scopes.get(scope)?.kept.length ?? 0;
  let total = 0;
  for (const lane of scopes.values()) total += lane.kept.length;
  return total;
}

async function pump(db: D1Database, lane: Lane, scope: string): Promise<void> {
  while (lane.queue.length > 0) {
    await linger(lane);
    const items = lane.queue.splice(0);
    const kept = lane.kept;
    lane.kept = [];
    const batch = [...kept, ...items.flatMap((i) => i.statements)];
    const sent = batch.length === 0 ? { results: [] } : await send(db, batch);
    if ('results' in sent) {
      let offset = kept.length;
      for (const item of items) {
        const own = sent.results.slice(offset, offset + item.statements.length);
        offset += item.statements.length;
        settle(item, own);
      }
    } else if (isRejection(sent.error)) {
      // D1 refuses something in the batch, and would refuse it forever: send each write on its
      // own so that one bad write cannot hold back the others. What D1 refuses is logged whole.
      if (kept.length > 0) await sendAlone(db, kept);
      for (const item of items) {
        const own = await sendAlone(db, item.statements);
        if (own) settle(item, own);
        else item.resolve({ written: false, results: [], events: [], published: Promise.resolve() });
      }
    } else {
      keep(lane, batch);
      for (const item of items) item.resolve({ written: false, results: [], events: [], published: Promise.resolve() });
    }
  }
  lane.flight = null;
  // an idle lane with nothing kept is dropped, so finished runs leave nothing behind
  if (lane.kept.length === 0 && lanes.get(db)?.get(scope) === lane) lanes.get(db)?.delete(scope);
}

function queuedStatements(lane: Lane): number {
  return lane.queue.reduce((n, q) => n + q.statements.length, 0);
}

/** Waits while every queued write may linger, so that the writes that follow join the batch. */
async function linger(lane: Lane): Promise<void> {
  if (lane.queue.some((q) => q.lingerMs === 0) || queuedStatements(lane) >= LINGER_MAX_STATEMENTS) return;
  const ms = Math.min(...lane.queue.map((q) => q.lingerMs));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    lane.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  lane.wake = null;
}

function settle(item: Queued, results: D1Result<Record<string, unknown>>[]): void {
  const events = eventRefsOf(results);
  item.resolve({ written: true, results, events, published: publishSafely(item.sink, events) });
}

type Sent = { results: D1Result<Record<string, unknown>>[] } | { error: unknown };

async function send(db: D1Database, batch: Statement[]): Promise<Sent> {
  try {
    return { results: (await writeBatch(db, batch)).results };
  } catch {
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    try {
      return { results: (await writeBatch(db, batch)).results };
    } catch (error) {
      if (!isRejection(error)) {
        console.error(
          `[flowflare] tracking write failed twice; ${batch.length} statement(s) kept and sent with the next tracking write:`,
          messageOf(error),
        );
      }
      return { error };
    }
  }
}

/** Sends one write once more, alone; if D1 refuses it, logs every statement of it and drops it. */
async function sendAlone(db: D1Database, statements: readonly Statement[]): Promise<D1Result<Record<string, unknown>>[] | null> {
  try {
    return (await writeBatch(db, statements)).results;
  } catch (error) {
    console.error(
      `[flowflare] tracking write DROPPED: D1 refuses it (${messageOf(error)}). The write was:`,
      JSON.stringify(statements),
    );
    return null;
  }
}

/**
 * Takes the statements kept after failed writes of one scope (one run) out of the writer, for a
 * caller that hands them to something more durable (the run's follower).
 */
export function takeKeptWrites(db: D1Database, scope: string): Statement[] {
  const lane = lanes.get(db)?.get(scope);
  if (!lane) return [];
  const kept = lane.kept;
  lane.kept = [];
  return kept;
}

/** Gives back statements taken with {@link takeKeptWrites} that could not be handed on. */
export function returnKeptWrites(db: D1Database, scope: string, statements: Statement[]): void {
  if (statements.length === 0) return;
  const lane = laneOf(db, scope);
  lane.kept = [...statements, ...lane.kept];
}

/** D1 refuses the statements themselves: sending them again cannot succeed (anything else is kept for later). */
function isRejection(error: unknown): boolean {
  const kind = d1ErrorKind(error);
  return kind === 'rejected' || kind === 'unique';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function keep(lane: Lane, batch: Statement[]): void {
  lane.kept = batch;
  const overflow = lane.kept.length - MAX_PENDING_STATEMENTS;
  if (overflow > 0) {
    lane.kept.splice(0, overflow);
    console.error(`[flowflare] tracking writes LOST: ${overflow} statement(s) dropped, D1 has failed for too long`);
  }
}
