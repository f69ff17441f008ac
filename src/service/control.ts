import { getRunRow, type RunFields } from '../db/runs.js';
import { toRun, type EventRef, type RunRow } from '../db/rows.js';
import { appendControlEvent, resetRunHistory } from '../db/service-writes.js';
import { sql, type Statement } from '../db/statement.js';
import type { ControlAction, ControlResult } from '../shared/api.js';
import { ConflictError, FlowflareError, NotFoundError } from '../shared/errors.js';
import type { JsonValue } from '../shared/json.js';
import type { RunStatus } from '../shared/status.js';
import { nowIso } from '../tracking/serialize.js';
import { runTransition } from '../tracking/transitions.js';
import { workflowBinding } from './bindings.js';
import type { ResolvedOptions } from './options.js';
import type { StartRunInput } from './schemas.js';
import { startRun, type StartOutcome } from './start.js';
import { serviceDb, writeBatch } from './storage.js';

/** The status each action puts a run in; tracking inside the workflow moves it on from there. */
const STATUS_AFTER: Record<ControlAction, RunStatus | null> = {
  pause: 'Paused',
  resume: 'Running',
  terminate: 'Terminated',
  restart: 'Queued',
  event: null,
};

/** Statuses a run can be retried from. */
const RETRYABLE: readonly string[] = ['Errored', 'Terminated'];

/** Reads a recorded run or fails with a 404. */
export async function requireRun(db: D1Database, runId: string): Promise<RunRow> {
  const row = await getRunRow(db, runId);
  if (!row) throw new NotFoundError(`Unknown run '${runId}'.`);
  return row;
}

async function instanceOf(env: object, run: RunRow, options: ResolvedOptions): Promise<WorkflowInstance> {
  let binding: Workflow;
  try {
    binding = workflowBinding(env, run.workflow_name, options);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ConflictError(`Run '${run.id}' belongs to workflow '${run.workflow_name}', which this service has no Workflow binding for.`);
    }
    throw error;
  }
  try {
    return await binding.get(run.id);
  } catch (error) {
    throw new ConflictError(
      `Cloudflare Workflows has no instance '${run.id}' (it may be past its retention): ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}

async function perform(instance: WorkflowInstance, action: ControlAction, event?: { type: string; payload?: JsonValue }): Promise<void> {
  switch (action) {
    case 'pause':
      return instance.pause();
    case 'resume':
      return instance.resume();
    case 'terminate':
      return instance.terminate();
    case 'restart':
      return instance.restart();
    case 'event':
      return instance.sendEvent({ type: event?.type ?? '', payload: event?.payload ?? null });
  }
}

/**
 * Performs a control action on a run's instance, then records the run's new status and a
 * `control` event in one D1 batch.
 * @param event for `event`: what to send to a `step.waitForEvent`
 */
export async function controlRun(
  env: object,
  runId: string,
  action: ControlAction,
  options: ResolvedOptions,
  event?: { type: string; payload?: JsonValue },
): Promise<{ result: ControlResult; events: EventRef[] }> {
  const db = serviceDb(env);
  const run = await requireRun(db, runId);
  const instance = await instanceOf(env, run, options);
  try {
    await perform(instance, action, event);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConflictError(`Cannot ${action === 'event' ? 'send an event to' : action} run '${runId}' (status ${run.status}): ${reason}`, error);
  }
  const now = nowIso();
  const status = STATUS_AFTER[action];
  const statements: Statement[] = [];
  if (action === 'restart') statements.push(...resetRunHistory(runId));
  if (status !== null) {
    const fields: RunFields = { status };
    statements.push(
      ...runTransition({
        runId,
        workflow: { existing: true },
        fields,
        now,
      }),
    );
  }
  const details = action === 'event' ? JSON.stringify({ type: event?.type, payload: event?.payload ?? null }) : null;
  statements.push(appendControlEvent(runId, action, details, now));
  statements.push(sql('SELECT * FROM workflow_runs WHERE id = ?', runId));
  const written = await writeBatch(db, statements);
  const row = written.runs[0];
  if (!row) throw new FlowflareError('INTERNAL', 'The run could not be read back.');
  return { result: { action, run: toRun(row) }, events: written.events };
}

/**
 * Retries a failed (Errored or Terminated) run as a new run of the same workflow, with the same
 * params, refs and metadata; the new run records `retry_of`.
 */
export async function retryRun(env: object, runId: string, options: ResolvedOptions): Promise<StartOutcome> {
  const db = serviceDb(env);
  const run = toRun(await requireRun(db, runId));
  if (!RETRYABLE.includes(run.status)) {
    throw new ConflictError(`Run '${runId}' is ${run.status}; only ${RETRYABLE.join(' or ')} runs can be retried.`);
  }
  const stored = run.input_params;
  const params = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? { ...stored } : {};
  // The stored payload has the refs merged in; the start merges them again from the run's refs,
  // and a strict params schema would not know them.
  if (params.ref_id === run.ref_id) delete params.ref_id;
  if (params.ref_type === run.ref_type) delete params.ref_type;
  const input: StartRunInput = {
    workflow: run.workflow_name,
    params,
    ref_id: run.ref_id,
    ref_type: run.ref_type,
    metadata: run.metadata,
  };
  return startRun(env, input, options, runId);
}
