import type { RunFields } from '../store/runs.js';
import type { Statement } from '../store/statement.js';
import type { StepFields, StepKey } from '../store/steps.js';
import { capJson, type JsonObject } from '../shared/json.js';
import type { RunStatus } from '../shared/status.js';
import { parseStepName, type EngineEvent } from '../engine/events.js';
import { safeStringify } from './serialize.js';
import { runTransition, stepTransition, type RunWorkflow } from './transitions.js';
import { upsertAttempt, type AttemptFields } from '../store/steps.js';

/** A sleep or wait the run is in, as the records say. */
export interface OpenPause {
  kind: 'sleep' | 'waitForEvent';
  key: StepKey;
  /** When the sleep ends or the wait times out (ISO text), when known. */
  until: string | null;
  /** The event type a wait waits for. */
  eventType: string | null;
}

/**
 * What ingest knows about a run between batches: enough to turn the next engine events into the
 * right records without reading them back.
 */
export interface RunState {
  runId: string;
  /** The run has a `workflow_runs` row. */
  recorded: boolean;
  /** The workflow the run is recorded under when it has no row yet. */
  workflowName: string;
  status: RunStatus | null;
  /** The run has input_params on record (from its start or a signal): the engine's params are not stored. */
  hasInput: boolean;
  pause: OpenPause | null;
  /**
   * Columns senders gave (input, refs, metadata): written with the batch's first run record, or
   * the run's creation when it has no record yet.
   */
  given: RunFields;
  /** The deadline of a wait, from the workflow's own signal (the engine's event has none). */
  waitHint: { stepName: string; stepCount: number; until: string | null } | null;
}

/** How engine values are stored. */
export interface IngestOptions {
  /** Store step and run outputs (`'none'`: keep them out of D1). @default 'all' */
  outputs: 'all' | 'none';
  maxJsonBytes: number;
}

/** Refs and metadata the seed's workflows carry in their payload. */
export function payloadFacts(payload: unknown): { ref_id: string | null; ref_type: string | null; metadata: JsonObject | null } {
  const p = (typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null);
  const m = p.metadata;
  return {
    ref_id: text(p.ref_id),
    ref_type: text(p.ref_type),
    metadata: typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as JsonObject) : null,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A step's changes in one batch, folded. */
interface StepDraft {
  key: StepKey;
  fields: StepFields;
  attempts: Map<number, AttemptFields>;
  now: string;
}

/**
 * Turns engine events (in order) into the statements that record them, and moves `state` on.
 * A batch is folded into one record per entity (the run, each step, each attempt): a follower that
 * catches up on a long history writes each entity's end state once, never a step backwards. Every
 * statement is an idempotent upsert; each entity's record appends its event to the log.
 */
export function engineChanges(state: RunState, events: readonly EngineEvent[], options: IngestOptions): Statement[] {
  const value = (v: unknown) => capJson(safeStringify(v), options.maxJsonBytes);
  // with outputs 'none' the engine's outputs are left out (a sender may store its own version)
  const output = (v: unknown): { output_result?: string | null } => (options.outputs === 'none' ? {} : { output_result: value(v) });

  const statusBefore = state.status;
  // each batch records engine events once (the cursor sees to that): its events are never replays
  const last = events.at(-1);
  const source = last ? `engine:${last.eventId}@${last.timestamp}` : undefined;
  const recordedBefore = state.recorded;
  let runFields: RunFields = {};
  let runNow = '';
  let params: unknown;
  const steps = new Map<string, StepDraft>();

  const run = (fields: RunFields, now: string, payload?: unknown) => {
    runFields = { ...runFields, ...fields };
    if (fields.status !== undefined) {
      // columns that belong to an earlier status of the batch are derived again from the new one
      if (!('sleep_until' in fields)) delete runFields.sleep_until;
      if (!('waiting_for' in fields)) delete runFields.waiting_for;
    }
    runNow = now;
    if (payload !== undefined) params = payload;
    if (fields.status !== undefined) state.status = fields.status as RunStatus;
  };
  const step = (key: StepKey, fields: StepFields, now: string, attempt?: AttemptFields) => {
    const id = `${key.step_count}:${key.step_name}`;
    const draft = steps.get(id) ?? { key, fields: {}, attempts: new Map(), now };
    const merged: StepFields = { ...draft.fields, ...fields };
    // a completion given later derives the duration from the step's start
    if (fields.completed_at && fields.duration_ms === undefined) delete merged.duration_ms;
    draft.fields = merged;
    draft.now = now;
    if (attempt) {
      const before = draft.attempts.get(attempt.attempt);
      const a: AttemptFields = { ...before, ...attempt, started_at: before?.started_at ?? attempt.started_at ?? null };
      if (a.started_at && a.ended_at) a.duration_ms = Date.parse(a.ended_at) - Date.parse(a.started_at);
      draft.attempts.set(attempt.attempt, a);
    }
    steps.set(id, draft);
  };
  /** A run that goes on (resumed) is back in the sleep or wait it was in, with its deadline. */
  const goingOn = (): RunFields => {
    const pause = state.pause;
    if (!pause) return { status: 'Running' };
    if (pause.kind === 'sleep') return { status: 'Sleeping', sleep_until: pause.until };
    return { status: 'Waiting', waiting_for: pause.eventType, sleep_until: pause.until };
  };

  for (const e of events) {
    const now = iso(e.timestamp);
    switch (e.type) {
      case 'workflow_queued':
        run({ status: 'Queued' }, now);
        break;
      case 'workflow_started': {
        const input = state.hasInput || e.params === undefined ? {} : { input_params: value(e.params) };
        state.hasInput = true;
        run({ status: 'Running', started_at: now, ...input }, now, e.params);
        break;
      }
      case 'workflow_running':
        run(goingOn(), now);
        break;
      case 'workflow_waiting_for_pause':
      case 'workflow_paused':
        run({ status: 'Paused' }, now);
        break;
      case 'workflow_completed':
        run({ status: 'Completed', ...output(e.output), completed_at: now }, now);
        break;
      case 'workflow_errored':
        run({ status: 'Errored', error: JSON.stringify(e.error ?? { name: 'Error', message: 'the workflow failed' }), completed_at: now }, now);
        break;
      case 'workflow_terminated':
        run({ status: 'Terminated', completed_at: now }, now);
        break;
      case 'step_started':
        step(keyOf(state, e.stepName), { step_type: 'do', status: 'Running', max_retries: e.config?.retries.limit ?? null, started_at: now }, now);
        if (state.status !== 'Running') run({ status: 'Running' }, now);
        break;
      case 'attempt_started': {
        step(
          keyOf(state, e.stepName),
          {
            status: 'Running',
            attempts: e.attempt,
            retry_count: e.attempt - 1,
            next_retry_at: null,
            completed_at: null,
            duration_ms: null,
          },
          now,
          { attempt: e.attempt, status: 'Running', started_at: now },
        );
        break;
      }
      case 'attempt_completed':
        step(keyOf(state, e.stepName), { attempts: e.attempt }, now, { attempt: e.attempt, status: 'Completed', ended_at: now });
        break;
      case 'attempt_errored': {
        const error = JSON.stringify(e.error);
        const nextAt = e.retryDelayMs === undefined ? null : iso(e.timestamp + e.retryDelayMs);
        step(
          keyOf(state, e.stepName),
          nextAt ? { status: 'Retrying', retry_count: e.attempt, error, next_retry_at: nextAt } : { error },
          now,
          { attempt: e.attempt, status: 'Failed', error, ended_at: now, next_retry_at: nextAt },
        );
        break;
      }
      case 'step_completed':
        step(keyOf(state, e.stepName), { status: 'Completed', ...output(e.output), error: null, next_retry_at: null, completed_at: now }, now);
        break;
      case 'step_errored':
        step(keyOf(state, e.stepName), { status: 'Failed', next_retry_at: null, completed_at: now }, now);
        break;
      case 'sleep_started': {
        const key = keyOf(state, e.stepName);
        const until = iso(e.timestamp + e.durationMs);
        state.pause = { kind: 'sleep', key, until, eventType: null };
        step(key, { step_type: 'sleep', status: 'Sleeping', sleep_until: until, started_at: now }, now);
        run({ status: 'Sleeping', sleep_until: until }, now);
        break;
      }
      case 'wait_started': {
        const key = keyOf(state, e.stepName);
        const hint = state.waitHint;
        const until = hint && hint.stepName === key.step_name && hint.stepCount === key.step_count ? hint.until : null;
        state.pause = { kind: 'waitForEvent', key, until, eventType: e.eventType };
        step(key, { step_type: 'waitForEvent', status: 'Waiting', started_at: now, ...(until ? { sleep_until: until } : {}) }, now);
        run({ status: 'Waiting', waiting_for: e.eventType, ...(until ? { sleep_until: until } : {}) }, now);
        break;
      }
      case 'sleep_completed':
      case 'wait_completed':
        state.pause = null;
        step(keyOf(state, e.stepName), { status: 'Completed', completed_at: now }, now);
        run({ status: 'Running' }, now);
        break;
      case 'wait_timed_out': {
        const eventType = state.pause?.eventType;
        state.pause = null;
        const error = JSON.stringify({ name: 'WaitTimedOut', message: `no ${eventType ? `'${eventType}' ` : ''}event arrived before the timeout` });
        step(keyOf(state, e.stepName), { status: 'Failed', error, completed_at: now }, now);
        run({ status: 'Running' }, now);
        break;
      }
      default:
        // workflow_waiting repeats what sleep_started / wait_started say; rollbacks are not recorded yet
        break;
    }
  }
  const stepStatements = [...steps.values()].flatMap((d) => {
    const attempts = [...d.attempts.values()].sort((x, y) => x.attempt - y.attempt);
    const latest = attempts.pop();
    return [...attempts.map((a) => upsertAttempt(d.key, a, d.now)), ...stepTransition({ key: d.key, fields: d.fields, now: d.now, source, ...(latest ? { attempt: latest } : {}) })];
  });
  const runStatements = runRecord(state, runFields, runNow || iso(Date.now()), params, statusBefore, source);
  // A new run is recorded before its steps (their events then know its workflow and refs), and so
  // is a run that starts or goes on; a run that comes to rest or ends is recorded after its steps.
  const runFirst = !recordedBefore || state.status === 'Queued' || state.status === 'Running';
  return runFirst ? [...runStatements, ...stepStatements] : [...stepStatements, ...runStatements];
}

/** The run's record for a batch: its folded fields, with what senders gave, creating the run if new. */
function runRecord(state: RunState, folded: RunFields, now: string, params: unknown, statusBefore: RunStatus | null, source?: string): Statement[] {
  let fields: RunFields = { ...state.given, ...folded };
  state.given = {};
  const keys = Object.keys(fields);
  if (keys.length === 0) return [];
  if (state.recorded && keys.length === 1 && fields.status === statusBefore) return [];
  if (state.recorded) return runTransition({ runId: state.runId, workflow: { existing: true }, fields, now, source });
  // a new run: its workflow identity from what the senders said, else from the payload
  const fromPayload = payloadFacts(params);
  const ref_id = fields.ref_id !== undefined ? fields.ref_id : fromPayload.ref_id;
  const ref_type = fields.ref_type !== undefined ? fields.ref_type : fromPayload.ref_type;
  const metadata = fields.metadata !== undefined ? fields.metadata : fromPayload.metadata ? JSON.stringify(fromPayload.metadata) : null;
  fields = { ...fields, ref_id, ref_type, ...(metadata ? { metadata } : {}) };
  state.recorded = true;
  const workflow: RunWorkflow = { identity: { name: state.workflowName, ref_id, ref_type }, metadata: metadata ?? null };
  return runTransition({ runId: state.runId, workflow, fields, now, source });
}

function keyOf(state: RunState, stepName: string): StepKey {
  const { name, count } = parseStepName(stepName);
  return { run_id: state.runId, step_name: name, step_count: count };
}
