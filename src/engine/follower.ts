import { eventRefsOf, runBatch } from '../db/batch.js';
import { clearCursor, readFollowedRun, setCursor, type FollowedRun } from '../db/cursors.js';
import { resetRunHistory } from '../db/service-writes.js';
import type { Statement } from '../db/statement.js';
import { engineChanges, type IngestOptions, type RunState } from '../ingest/engine-changes.js';
import { followFacts } from '../ingest/follow-facts.js';
import { publisherFor } from '../realtime/publish.js';
import { FINAL_RUN_STATUSES, type RunStatus } from '../shared/status.js';
import { isWorkflowBinding } from '../shared/workflow-binding.js';
import { DEFAULT_MAX_JSON_BYTES } from '../tracking/attempts.js';
import { errorToJson, nowIso } from '../tracking/serialize.js';
import { runTransition } from '../tracking/transitions.js';
import { eventMark, isTerminal, type EngineEvent } from './events.js';
import type { FollowRequest } from './follow-request.js';
import { EngineStream } from './stream.js';

/** Events that arrive within this many ms of each other are recorded in one D1 batch. */
export const COALESCE_MS = 10;
/** Most events recorded in one batch. */
const MAX_BATCH = 100;
/** While a run executes, the stream is checked for quiet this often (callers of `sync` wait for it). */
const QUIET_PROBE_MS = 50;
/** A run at rest (sleeping, waiting, paused) with no event for this long: the subscription is closed. */
const REST_QUIET_MS = 250;
/** Longest one alarm listens to a running run before handing over to a fresh alarm. */
const LISTEN_BUDGET_MS = 5 * 60_000;
/** A run at rest is looked at again after this long at the latest (control done outside Flowflare). */
export const BACKSTOP_MS = 5 * 60_000;
/** A recorded run whose instance does not exist after this long never started. */
export const START_GRACE_MS = 30_000;
/** Waits between the tries of one D1 write, then the alarm backs off up to a minute. */
const WRITE_RETRIES_MS = [100, 400];
const MAX_BACKOFF_MS = 60_000;

/** What a follower keeps in its Durable Object storage. */
interface FollowRecord {
  runId: string;
  workflowName: string;
  binding: string | null;
  outputs: 'all' | 'none';
  maxJsonBytes: number;
  /** When the follower was first asked to follow (epoch ms). */
  since: number;
  /** Consecutive failed wakes (D1 down), for the back-off. */
  failures: number;
  /** A wait deadline the engine's event does not carry. */
  waitUntil: string | null;
}

const RECORD = 'follow';

/**
 * Follows one run's engine event stream into D1: each batch of events and the run's new cursor are
 * written in one D1 batch, then published live. It runs in the `WorkflowTracker` object named
 * `follow:<runId>`, driven by its alarm: it listens while the run executes, closes the subscription
 * while the run sleeps, waits or is paused (waking at the sleep's end, on a request, and at a
 * backstop), and stops at the run's end. A failed D1 read or write moves nothing: the next wake
 * resumes from the stored cursor, so nothing is lost or recorded twice.
 */
export class RunFollower {
  private running = false;
  private quietWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: { DB: D1Database },
  ) {}

  /** True when this object follows a run (it has been asked to). */
  async active(): Promise<boolean> {
    return (await this.ctx.storage.get<FollowRecord>(RECORD)) !== undefined;
  }

  /** Starts or keeps following; records the facts the request carries first. */
  async follow(request: FollowRequest): Promise<void> {
    const existing = await this.ctx.storage.get<FollowRecord>(RECORD);
    const record: FollowRecord = {
      runId: request.runId,
      workflowName: existing?.workflowName ?? request.workflowName,
      binding: request.binding ?? existing?.binding ?? null,
      outputs: request.outputs ?? existing?.outputs ?? 'all',
      maxJsonBytes: request.maxJsonBytes ?? existing?.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES,
      since: existing?.since ?? Date.now(),
      failures: existing?.failures ?? 0,
      waitUntil: request.wait?.until ?? existing?.waitUntil ?? null,
    };
    await this.ctx.storage.put(RECORD, record);
    const facts = followFacts(request, nowIso());
    if (facts.length > 0) {
      try {
        await this.write(facts);
      } catch (error) {
        // the facts come again with the sender's next signal; the engine's own events do not need them
        console.error(`[flowflare] could not record the facts sent for run ${request.runId}:`, error);
      }
    }
    await this.wake();
  }

  /** Waits (up to `timeoutMs`) until every event the engine has published so far is recorded. */
  async sync(timeoutMs = 3000): Promise<void> {
    if (!(await this.active())) return;
    const quiet = new Promise<void>((resolve) => {
      this.quietWaiters.push(resolve);
      setTimeout(resolve, timeoutMs);
    });
    await this.wake();
    await quiet;
  }

  /** The run was restarted through the service: its history starts again. */
  async restarted(): Promise<void> {
    const record = await this.ctx.storage.get<FollowRecord>(RECORD);
    if (!record) return;
    await this.write([...resetRunHistory(record.runId), clearCursor(record.runId)]);
    await this.sync();
  }

  /** The alarm handler: follows until the run rests or ends, then schedules the next wake. */
  async alarm(): Promise<void> {
    const record = await this.ctx.storage.get<FollowRecord>(RECORD);
    if (!record || this.running) return;
    this.running = true;
    try {
      const next = await this.drain(record);
      if (next === null) await this.ctx.storage.deleteAlarm();
      else await this.ctx.storage.setAlarm(next);
    } catch (error) {
      console.error(`[flowflare] following run ${record.runId} failed; trying again:`, error);
      await this.failed(record);
    } finally {
      this.running = false;
      this.notifyQuiet();
    }
  }

  private async wake(): Promise<void> {
    if (this.running) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > Date.now()) await this.ctx.storage.setAlarm(Date.now());
  }

  /** @returns when to wake next, or null when the run is over */
  private async drain(record: FollowRecord): Promise<number | null> {
    let followed: FollowedRun;
    try {
      followed = await readFollowedRun(this.env.DB, record.runId);
    } catch (error) {
      console.error(`[flowflare] D1 read failed while following run ${record.runId}; trying again:`, error);
      return this.backoff(record);
    }
    const instance = await this.instance(record);
    if (!instance) return this.missing(record, followed);

    const state = stateOf(record, followed);
    const options: IngestOptions = { outputs: record.outputs, maxJsonBytes: record.maxJsonBytes };
    let pending: Statement[] = [];
    let stream = await EngineStream.open(instance, Math.max(0, followed.cursor - 1));
    if (followed.cursor > 0) {
      const first = await stream.read(2000);
      if (typeof first !== 'object' || first.eventId !== followed.cursor || eventMark(first) !== followed.mark) {
        // The history at the cursor is not the one recorded: the instance was restarted (from
        // Flowflare or elsewhere). Record its new history from the start.
        stream.close();
        stream = await EngineStream.open(instance, 0);
        pending = [...resetRunHistory(record.runId), clearCursor(record.runId)];
        Object.assign(state, { status: null, pause: null });
      }
    }

    const deadline = Date.now() + LISTEN_BUDGET_MS;
    let batch: EngineEvent[] = [];
    try {
      for (;;) {
        const rest = atRest(state);
        const timeout = batch.length > 0 ? COALESCE_MS : rest ? REST_QUIET_MS : Math.min(QUIET_PROBE_MS, Math.max(1, deadline - Date.now()));
        const read = await stream.read(timeout);
        if (typeof read === 'object') {
          batch.push(read);
          // a run never recorded gets its identity from workflow_started: wait for it
          const needsStart = !state.recorded && !batch.some((e) => e.type === 'workflow_started');
          if (batch.length < MAX_BATCH && (needsStart || !isTerminal(read))) continue;
        }
        if (batch.length > 0) {
          const last = batch.at(-1)!;
          const statements = [...pending, ...engineChanges(state, batch, options), setCursor(record.runId, last.eventId, eventMark(last), nowIso())];
          if (!(await this.writeWithRetries(statements))) return this.backoff(record);
          pending = [];
          batch = [];
          if (isTerminal(last)) return null;
          if (record.failures > 0) await this.ctx.storage.put(RECORD, { ...record, failures: (record.failures = 0) });
          continue;
        }
        this.notifyQuiet();
        if (read === 'end') return null;
        if (rest) return restWake(state, record);
        if (Date.now() >= deadline) return Date.now();
      }
    } finally {
      stream.close();
    }
  }

  private async instance(record: FollowRecord): Promise<WorkflowInstance | null> {
    const env = this.env as unknown as Record<string, unknown>;
    const named = record.binding ?? record.workflowName.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    const bindings = isWorkflowBinding(env[named]) ? [env[named]] : Object.values(env).filter(isWorkflowBinding);
    for (const binding of bindings) {
      try {
        return await binding.get(record.runId);
      } catch {
        // not this binding's instance, or not created (yet)
      }
    }
    return null;
  }

  /** No instance: not created yet, never created (a start that failed after its record), or gone. */
  private async missing(record: FollowRecord, followed: FollowedRun): Promise<number | null> {
    const run = followed.run;
    const waiting = run !== null && (run.status === 'Queued' || run.status === 'Pending');
    const since = Math.min(record.since, run ? Date.parse(run.created_at) : record.since);
    if (waiting && Date.now() - since < START_GRACE_MS) return Date.now() + 1000;
    if (waiting) {
      const error = errorToJson(
        Object.assign(new Error(`Cloudflare Workflows has no instance '${record.runId}': the run was recorded but its instance was never created.`), {
          name: 'StartFailed',
        }),
      );
      const now = nowIso();
      const written = await this.writeWithRetries(runTransition({ runId: record.runId, workflow: { existing: true }, fields: { status: 'Errored', error, completed_at: now }, now }));
      return written ? null : this.backoff(record);
    }
    return null;
  }

  private async writeWithRetries(statements: Statement[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(statements);
        return true;
      } catch (error) {
        const delay = WRITE_RETRIES_MS[attempt];
        if (delay === undefined) {
          console.error('[flowflare] D1 refused the engine records of a run; they are read again from the engine at the next wake:', error);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async write(statements: Statement[]): Promise<void> {
    const results = await runBatch(this.env.DB, statements);
    const events = eventRefsOf(results);
    const sink = publisherFor(this.env);
    if (sink && events.length > 0) {
      try {
        await sink(events);
      } catch (error) {
        console.error('[flowflare] publishing engine records failed (subscribers catch up on the next event):', error);
      }
    }
  }

  private async backoff(record: FollowRecord): Promise<number> {
    const failures = record.failures + 1;
    await this.ctx.storage.put(RECORD, { ...record, failures });
    return Date.now() + Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
  }

  private async failed(record: FollowRecord): Promise<void> {
    try {
      await this.ctx.storage.setAlarm(await this.backoff(record));
    } catch (error) {
      console.error('[flowflare] could not schedule the next wake of a follower:', error);
    }
  }

  private notifyQuiet(): void {
    const waiters = this.quietWaiters;
    this.quietWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function stateOf(record: FollowRecord, followed: FollowedRun): RunState {
  const status = (followed.run?.status ?? null) as RunStatus | null;
  const pause = followed.pause;
  return {
    runId: record.runId,
    recorded: followed.run !== null,
    workflowName: followed.run?.workflow_name ?? record.workflowName,
    status,
    hasInput: followed.run?.input_params != null,
    pause: pause
      ? {
          kind: pause.step_type === 'sleep' ? 'sleep' : 'waitForEvent',
          key: { run_id: record.runId, step_name: pause.step_name, step_count: pause.step_count },
          until: pause.sleep_until,
          eventType: pause.waiting_for,
        }
      : null,
  };
}

function atRest(state: RunState): boolean {
  return state.status === 'Sleeping' || state.status === 'Waiting' || state.status === 'Paused' || (state.status !== null && FINAL_RUN_STATUSES.includes(state.status));
}

/** When a resting run is looked at next: the end of its sleep or wait when known, the backstop otherwise. */
function restWake(state: RunState, record: FollowRecord): number {
  const backstop = Date.now() + BACKSTOP_MS;
  const until = state.status === 'Paused' ? null : (state.pause?.until ?? (state.pause?.kind === 'waitForEvent' ? record.waitUntil : null));
  const at = until ? Date.parse(until) + 250 : NaN;
  return Number.isFinite(at) ? Math.min(Math.max(at, Date.now()), backstop) : backstop;
}
