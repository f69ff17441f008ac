import type { RunFields } from '../db/runs.js';
import type { Statement } from '../db/statement.js';
import type { StepFields, StepKey } from '../db/steps.js';
import { capJson, type JsonObject } from '../shared/json.js';
import type { RunStatus } from '../shared/status.js';
import { parseStepName, type EngineEvent } from '../engine/events.js';
import { safeStringify } from '../tracking/serialize.js';
import { runTransition, stepTransition, type RunWorkflow } from '../tracking/transitions.js';
import type { AttemptFields } from '../db/steps.js';

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
  /** Steps started whose first attempt is not recorded yet: their config, recorded with it. */
  starting: Map<string, { max_retries: number | null; started_at: string }>;
  /** Attempts completed whose step's completion is not recorded yet. */
  completing: Map<string, AttemptFields>;
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

/**
 * Turns engine events (in order) into the statements that record them, and moves `state` on.
 * Every statement is an idempotent upsert; each transition appends its event to the log.
 */
export function engineChanges(state: RunState, events: readonly EngineEvent[], options: IngestOptions): Statement[] {
  const out: Statement[] = [];
  const value = (v: unknown) => capJson(safeStringify(v), options.maxJsonBytes);
  // with outputs 'none' the engine's outputs are left out (a sender may store its own version)
  const output = (v: unknown): { output_result?: string | null } => (options.outputs === 'none' ? {} : { output_result: value(v) });

  const run = (fields: RunFields, now: string, params?: unknown) => {
    if (fields.status !== undefined && fields.status === state.status && Object.keys(fields).length === 1) return;
    let workflow: RunWorkflow = { existing: true };
    if (state.recorded && Object.keys(state.given).length > 0) {
      fields = { ...state.given, ...fields };
      state.given = {};
    }
    if (!state.recorded) {
      // a new run: its workflow identity from what the senders said, else from the payload
      const fromPayload = payloadFacts(params);
      const metadataText = fromPayload.metadata ? JSON.stringify(fromPayload.metadata) : undefined;
      const given = state.given;
      const ref_id = given.ref_id !== undefined ? given.ref_id : fromPayload.ref_id;
      const ref_type = given.ref_type !== undefined ? given.ref_type : fromPayload.ref_type;
      const metadata = given.metadata !== undefined ? given.metadata : metadataText;
      workflow = { identity: { name: state.workflowName, ref_id, ref_type }, metadata: metadata ?? null };
      fields = { ...given, ref_id, ref_type, ...(metadata ? { metadata } : {}), ...fields };
      state.recorded = true;
      state.given = {};
    }
    out.push(...runTransition({ runId: state.runId, workflow, fields, now }));
    if (fields.status !== undefined) state.status = fields.status as RunStatus;
  };
  const step = (key: StepKey, fields: StepFields, now: string, attempt?: AttemptFields) => {
    out.push(...stepTransition({ key, fields, now, ...(attempt ? { attempt } : {}) }));
  };
  const resting = (): RunStatus => (state.pause ? (state.pause.kind === 'sleep' ? 'Sleeping' : 'Waiting') : 'Running');

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
        run({ status: resting() }, now);
        break;
      case 'workflow_waiting_for_pause':
      case 'workflow_paused':
        run({ status: 'Paused' }, now);
        break;
      case 'workflow_completed':
        run({ status: 'Completed', ...output(e.output), error: null, completed_at: now }, now);
        break;
      case 'workflow_errored':
        run({ status: 'Errored', error: JSON.stringify(e.error ?? { name: 'Error', message: 'the workflow failed' }), completed_at: now }, now);
        break;
      case 'workflow_terminated':
        run({ status: 'Terminated', completed_at: now }, now);
        break;
      case 'step_started':
        // recorded with its first attempt, which the engine starts at once
        state.starting.set(e.stepName, { max_retries: e.config?.retries.limit ?? null, started_at: now });
        if (state.status !== 'Running') run({ status: 'Running' }, now);
        break;
      case 'attempt_started': {
        const started = state.starting.get(e.stepName);
        state.starting.delete(e.stepName);
        step(
          keyOf(state, e.stepName),
          {
            ...(started ? { step_type: 'do', max_retries: started.max_retries, started_at: started.started_at } : {}),
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
        // recorded with the step's completion, which the engine records at once
        state.completing.set(e.stepName, { attempt: e.attempt, status: 'Completed', ended_at: now });
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
      case 'step_completed': {
        const attempt = state.completing.get(e.stepName);
        state.completing.delete(e.stepName);
        step(keyOf(state, e.stepName), { status: 'Completed', ...output(e.output), error: null, next_retry_at: null, completed_at: now }, now, attempt);
        break;
      }
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
  // what the engine has not finished saying yet is recorded now rather than waited for
  for (const [stepName, started] of state.starting) {
    step(keyOf(state, stepName), { step_type: 'do', status: 'Running', ...started }, started.started_at);
  }
  state.starting.clear();
  for (const [stepName, attempt] of state.completing) {
    step(keyOf(state, stepName), { attempts: attempt.attempt }, attempt.ended_at ?? iso(Date.now()), attempt);
  }
  state.completing.clear();
  if (state.recorded && Object.keys(state.given).length > 0) {
    out.push(...runTransition({ runId: state.runId, workflow: { existing: true }, fields: state.given, now: iso(Date.now()) }));
    state.given = {};
  }
  return out;
}

function keyOf(state: RunState, stepName: string): StepKey {
  const { name, count } = parseStepName(stepName);
  return { run_id: state.runId, step_name: name, step_count: count };
}
