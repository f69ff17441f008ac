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
  const value = (v: unknown) => (options.outputs === 'none' ? null : capJson(safeStringify(v), options.maxJsonBytes));

  const run = (fields: RunFields, now: string, params?: unknown) => {
    if (fields.status !== undefined && fields.status === state.status && Object.keys(fields).length === 1) return;
    let workflow: RunWorkflow = { existing: true };
    if (!state.recorded) {
      const facts = payloadFacts(params);
      const metadata = facts.metadata ? JSON.stringify(facts.metadata) : null;
      workflow = { identity: { name: state.workflowName, ref_id: facts.ref_id, ref_type: facts.ref_type }, metadata };
      fields = { ref_id: facts.ref_id, ref_type: facts.ref_type, ...(metadata ? { metadata } : {}), ...fields };
      state.recorded = true;
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
        run({ status: 'Completed', output_result: value(e.output), error: null, completed_at: now }, now);
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
      case 'attempt_started':
        step(
          keyOf(state, e.stepName),
          { status: 'Running', attempts: e.attempt, retry_count: e.attempt - 1, next_retry_at: null, completed_at: null, duration_ms: null },
          now,
          { attempt: e.attempt, status: 'Running', started_at: now },
        );
        break;
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
        step(keyOf(state, e.stepName), { status: 'Completed', output_result: value(e.output), error: null, next_retry_at: null, completed_at: now }, now);
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
        state.pause = { kind: 'waitForEvent', key, until: null, eventType: e.eventType };
        step(key, { step_type: 'waitForEvent', status: 'Waiting', started_at: now }, now);
        run({ status: 'Waiting', waiting_for: e.eventType }, now);
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
  return out;
}

function keyOf(state: RunState, stepName: string): StepKey {
  const { name, count } = parseStepName(stepName);
  return { run_id: state.runId, step_name: name, step_count: count };
}
