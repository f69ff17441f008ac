import { writeBatch } from '../store/batch.js';
import { clearCursor, readFollowedRun, setCursor, type FollowedRun } from '../store/cursors.js';
import { resetRunHistory } from '../store/service-writes.js';
import type { Statement } from '../store/statement.js';
import { engineChanges, type IngestOptions, type RunState } from '../ingest/engine-changes.js';
import { addFacts, factStatements, isEmpty, noFacts, waitDeadline, type Facts } from '../ingest/follow-facts.js';
import { publisherFor, publishSafely } from '../live/publish.js';
import { alertOnWrite } from '../alerts/hook.js';
import { FINAL_RUN_STATUSES, type RunStatus } from '../shared/status.js';
import { isWorkflowBinding } from '../shared/workflow-binding.js';
import { DEFAULT_MAX_JSON_BYTES } from '../ingest/attempts.js';
import { errorToJson, nowIso } from '../ingest/serialize.js';
import { runTransition } from '../ingest/transitions.js';
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
/** Waits between the tries of one D1 write; after them the alarm backs off, up to a minute. */
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
  /** A sender decided what of the input is stored (maybe nothing): the engine's params are not stored. */
  inputGiven: boolean;
  /** The latest wait the workflow announced, with its deadline (the engine's event has none). */
  wait: FollowRequest['wait'] | null;
}

const RECORD = 'follow';
/** Facts from follow requests, in order, until written. */
const FACTS = 'facts';

interface FactEntry {
  seq: number;
  facts: Facts;
}

/**
 * Follows one run's engine event stream into D1: each batch of events and the run's new cursor are
 * written in one D1 batch, then published live. It lives in the `WorkflowTracker` object named
 * `follow:<runId>` and is driven by that object's alarm: it listens while the run executes, closes
 * the subscription while the run sleeps, waits or is paused (waking at the sleep's end, on a
 * request, and at a backstop), and stops at the run's end. A failed D1 read or write moves nothing:
 * the next wake resumes from the stored cursor, so no event is lost or recorded twice.
 */
export class RunFollower {
  private running = false;
  /** sync() callers, each with the time it asked: only a quiet read begun after that answers it. */
  private quietWaiters: { since: number; resolve: () => void }[] = [];

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: { DB: D1Database; ALERTS?: Queue },
  ) {}

  /** True when this object follows a run (it has been asked to). */
  async active(): Promise<boolean> {
    return (await this.ctx.storage.get<FollowRecord>(RECORD)) !== undefined;
  }

  /** Starts or keeps following, keeping the facts the request carries for the next write. */
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
      inputGiven: (existing?.inputGiven ?? false) || request.input !== undefined,
      wait: request.wait ?? existing?.wait ?? null,
    };
    const facts = addFacts(noFacts(), request, nowIso());
    const entries = (await this.ctx.storage.get<FactEntry[]>(FACTS)) ?? [];
    const seq = (entries.at(-1)?.seq ?? 0) + 1;
    await this.ctx.storage.put({ [RECORD]: record, ...(isEmpty(facts) ? {} : { [FACTS]: [...entries, { seq, facts }] }) });
    await this.wake();
  }

  /** Waits (up to `timeoutMs`) until every event the engine has published so far is recorded. */
  async sync(timeoutMs = 3000): Promise<void> {
    if (!(await this.active())) return;
    const quiet = new Promise<void>((resolve) => {
      this.quietWaiters.push({ since: Date.now(), resolve });
      setTimeout(resolve, timeoutMs);
    });
    await this.wake();
    await quiet;
  }

  /** The run was restarted through the service: its records start a new history. */
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
      await this.ctx.storage.setAlarm(await this.backoff(record)).catch(() => undefined);
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

  /** One wake: read the run's records, then its new engine events. @returns when to wake next, or null when the run is over */
  private async drain(record: FollowRecord): Promise<number | null> {
    let followed: FollowedRun;
    try {
      followed = await readFollowedRun(this.env.DB, record.runId);
    } catch (error) {
      console.error(`[flowflare] D1 read failed while following run ${record.runId}; trying again:`, error);
      return this.backoff(record);
    }
    const instance = await this.instance(record);
    if (typeof instance === 'string') return this.missing(record, followed, instance);

    const state = stateOf(record, followed);
    const { stream, reset } = await this.openAt(instance, followed, state);
    try {
      return await this.listen(record, state, stream, reset);
    } finally {
      stream.close();
    }
  }

  /**
   * Subscribes just before the stored cursor and checks that the event there is the one recorded:
   * a restarted instance (through Flowflare or elsewhere) has a new history, recorded from the start.
   */
  private async openAt(instance: WorkflowInstance, followed: FollowedRun, state: RunState): Promise<{ stream: EngineStream; reset: Statement[] }> {
    if (followed.cursor === 0) return { stream: await EngineStream.open(instance, 0), reset: [] };
    const stream = await EngineStream.open(instance, followed.cursor - 1);
    const first = await stream.read(2000);
    if (typeof first === 'object' && first.eventId === followed.cursor && eventMark(first) === followed.mark) return { stream, reset: [] };
    stream.close();
    Object.assign(state, { status: null, pause: null });
    return { stream: await EngineStream.open(instance, 0), reset: [...resetRunHistory(state.runId), clearCursor(state.runId)] };
  }

  private async listen(record: FollowRecord, state: RunState, stream: EngineStream, reset: Statement[]): Promise<number | null> {
    const options: IngestOptions = { outputs: record.outputs, maxJsonBytes: record.maxJsonBytes };
    let before = reset;
    const deadline = Date.now() + LISTEN_BUDGET_MS;
    let batch: EngineEvent[] = [];
    for (;;) {
      const rest = atRest(state);
      const timeout = batch.length > 0 ? COALESCE_MS : rest ? REST_QUIET_MS : Math.min(QUIET_PROBE_MS, Math.max(1, deadline - Date.now()));
      const readSince = Date.now();
      const read = await stream.read(timeout);
      if (typeof read === 'object') {
        batch.push(read);
        // a run never recorded gets its identity from workflow_started: wait for it
        const needsStart = !state.recorded && !batch.some((e) => e.type === 'workflow_started');
        // a failed attempt ends the batch, so that live views see the step waiting for its retry
        const ends = isTerminal(read) || read.type === 'attempt_errored';
        if (batch.length < MAX_BATCH && (needsStart || !ends)) continue;
      }
      if (batch.length > 0) {
        const last = batch.at(-1)!;
        const { statements: facts, taken } = await this.takeFacts(state, true);
        const statements = [...before, ...engineChanges(state, batch, options), ...facts, setCursor(state.runId, last.eventId, eventMark(last), nowIso())];
        if (!(await this.writeWithRetries(statements))) return this.backoff(record);
        await this.written(record, taken);
        before = [];
        batch = [];
        if (isTerminal(last)) return null;
        continue;
      }
      // caught up: write what senders said meanwhile, then tell sync() callers
      const { statements: facts, taken } = await this.takeFacts(state, false);
      if (before.length + facts.length > 0) {
        if (!(await this.writeWithRetries([...before, ...facts]))) return this.backoff(record);
        await this.written(record, taken);
        before = [];
      }
      if (read === 'broken') return Date.now();
      this.notifyQuiet(readSince);
      if (read === 'end') return null;
      if (rest) return restWake(state);
      if (Date.now() >= deadline) return Date.now();
    }
  }

  /**
   * The facts senders gave: with an engine batch (`withEngineBatch`), their run columns join the
   * batch's first run record (or create the run); alone, they are statements for a run on record
   * (a run not on record waits for its first engine batch). Also gives a wait on record its
   * announced deadline.
   */
  private async takeFacts(state: RunState, withEngineBatch: boolean): Promise<{ statements: Statement[]; taken: number }> {
    const [entries, latest] = await Promise.all([this.ctx.storage.get<FactEntry[]>(FACTS), this.ctx.storage.get<FollowRecord>(RECORD)]);
    const out: Statement[] = [];
    const hint = latest?.wait ?? null;
    state.waitHint = hint;
    const open = state.pause;
    if (hint?.until && open?.kind === 'waitForEvent' && open.until === null && open.key.step_name === hint.stepName && open.key.step_count === hint.stepCount) {
      open.until = hint.until;
      out.push(...waitDeadline(open.key, hint.until, nowIso()));
    }
    if (!entries || entries.length === 0) return { statements: out, taken: 0 };
    // a run not on record yet is created with the facts' columns, in the batch that creates it
    if (!state.recorded && !withEngineBatch) return { statements: out, taken: 0 };
    const facts = entries.reduce<Facts>((all, e) => ({ run: { ...all.run, ...e.facts.run }, steps: [...all.steps, ...e.facts.steps] }), noFacts());
    const taken = entries.at(-1)!.seq;
    if (withEngineBatch) {
      // the run columns go with the batch's first run record (or the run's creation)
      state.given = { ...state.given, ...facts.run };
      return { statements: [...out, ...facts.steps], taken };
    }
    return { statements: [...out, ...factStatements(state.runId, facts, nowIso())], taken };
  }

  /** After a successful write: the facts taken are done with, and the back-off starts over. */
  private async written(record: FollowRecord, taken: number): Promise<void> {
    if (taken > 0) {
      const entries = (await this.ctx.storage.get<FactEntry[]>(FACTS)) ?? [];
      const left = entries.filter((e) => e.seq > taken);
      if (left.length > 0) await this.ctx.storage.put(FACTS, left);
      else await this.ctx.storage.delete(FACTS);
    }
    if (record.failures > 0) {
      record.failures = 0;
      const latest = await this.ctx.storage.get<FollowRecord>(RECORD);
      if (latest) await this.ctx.storage.put(RECORD, { ...latest, failures: 0 });
    }
  }

  /**
   * The run's instance; or `gone` when the binding that owns it is known and says there is no such
   * instance; or `unknown` when no binding of this Worker could tell (not created yet, or another
   * Worker's).
   */
  private async instance(record: FollowRecord): Promise<WorkflowInstance | 'gone' | 'unknown'> {
    const env = this.env as unknown as Record<string, unknown>;
    const named = env[record.binding ?? record.workflowName.toUpperCase().replace(/[^A-Z0-9_]/g, '_')];
    if (isWorkflowBinding(named)) {
      try {
        return await named.get(record.runId);
      } catch (error) {
        return isNotFound(error) ? 'gone' : 'unknown';
      }
    }
    for (const binding of Object.values(env).filter(isWorkflowBinding)) {
      try {
        return await binding.get(record.runId);
      } catch {
        // not this binding's instance
      }
    }
    return 'unknown';
  }

  /**
   * No instance: not created yet, never created (a start that failed after its record), or gone
   * (its history expired, or it was deleted). A run that has not started is closed as
   * `StartFailed` after the grace period; a run that had started and whose binding says the
   * instance no longer exists is closed as `InstanceGone`, with the reason.
   */
  private async missing(record: FollowRecord, followed: FollowedRun, lookup: 'gone' | 'unknown'): Promise<number | null> {
    const run = followed.run;
    if (!run || FINAL_RUN_STATUSES.includes(run.status as RunStatus)) return null;
    const notStarted = run.status === 'Queued' || run.status === 'Pending';
    if (!notStarted && lookup !== 'gone') return null;
    if (notStarted) {
      const since = Math.min(record.since, Date.parse(run.created_at));
      if (Date.now() - since < START_GRACE_MS) return Date.now() + 1000;
    }
    const [name, message] = notStarted
      ? ['StartFailed', `Cloudflare Workflows has no instance '${record.runId}': the run was recorded but its instance was never created.`]
      : ['InstanceGone', `Cloudflare Workflows no longer has instance '${record.runId}' (its history expired or it was deleted) while the run was recorded as ${run.status}.`];
    const error = errorToJson(Object.assign(new Error(message), { name }));
    const now = nowIso();
    const fields = { status: 'Errored', error, completed_at: now };
    return (await this.writeWithRetries(runTransition({ runId: record.runId, workflow: { existing: true }, fields, now }))) ? null : this.backoff(record);
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
    const { events } = await writeBatch(this.env.DB, statements);
    // alert rules see runs that ended and steps retried; this never waits nor throws
    alertOnWrite(this.env, events, (work) => this.ctx.waitUntil(work));
    await publishSafely(publisherFor(this.env), events);
  }

  private async backoff(record: FollowRecord): Promise<number> {
    const latest = (await this.ctx.storage.get<FollowRecord>(RECORD)) ?? record;
    const failures = latest.failures + 1;
    await this.ctx.storage.put(RECORD, { ...latest, failures });
    return Date.now() + Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
  }

  /** Answers the sync() callers that asked before `since` (default: all, the loop has stopped). */
  private notifyQuiet(since = Infinity): void {
    const ready = this.quietWaiters.filter((w) => w.since <= since);
    this.quietWaiters = this.quietWaiters.filter((w) => w.since > since);
    for (const w of ready) w.resolve();
  }
}

/** True for the error a Workflow binding's `get()` gives for an id it has no instance of. */
function isNotFound(error: unknown): boolean {
  return /not[ _.]?found|does not exist|no such instance/i.test(error instanceof Error ? error.message : String(error));
}

function stateOf(record: FollowRecord, followed: FollowedRun): RunState {
  const pause = followed.pause;
  return {
    runId: record.runId,
    recorded: followed.run !== null,
    workflowName: followed.run?.workflow_name ?? record.workflowName,
    status: (followed.run?.status ?? null) as RunStatus | null,
    hasInput: record.inputGiven || followed.run?.input_params != null,
    given: {},
    waitHint: record.wait ?? null,
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
  const status = state.status;
  return status === 'Sleeping' || status === 'Waiting' || status === 'Paused' || (status !== null && FINAL_RUN_STATUSES.includes(status));
}

/** When a resting run is looked at next: the end of its sleep or wait when known, the backstop otherwise. */
function restWake(state: RunState): number {
  const now = Date.now();
  const until = state.status === 'Paused' ? null : (state.pause?.until ?? null);
  const at = until ? Date.parse(until) + 250 : NaN;
  return Number.isFinite(at) ? Math.min(Math.max(at, now), now + BACKSTOP_MS) : now + BACKSTOP_MS;
}
