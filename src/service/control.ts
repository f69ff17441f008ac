import { getRunRow, selectRun, type RunFields } from '../store/runs.js';
import { toRun, type EventRef, type RunRow } from '../store/rows.js';
import { appendControlEvent, resetRunHistory } from '../store/service-writes.js';
import type { Statement } from '../store/statement.js';
import type { ControlAction, ControlResult } from '../shared/api.js';
import { ConflictError, FlowflareError, NotFoundError } from '../shared/errors.js';
import type { JsonValue } from '../shared/json.js';
import type { RunStatus } from '../shared/status.js';
import { nowIso } from '../ingest/serialize.js';
import { runTransition } from '../ingest/transitions.js';
import { followerOf, type FollowerStub, type FollowRequest } from '../engine/follow-request.js';
import { workflowBinding, workflowBindingName } from './bindings.js';
import type { ResolvedOptions } from './options.js';
import type { Caller } from '../shared/access.js';
import { TIMED_OUT, TRACKER_CALL_TIMEOUT_MS, withDeadline } from '../shared/deadline.js';
import { auditStatement } from '../store/audit.js';
import { writeBatch } from '../store/batch.js';
import { requireRunInScope } from './access.js';
import { serviceDb } from './storage.js';

/**
 * The status each action puts a run in, recorded only by a service without a `WORKFLOW_TRACKER`
 * binding: with one, the run's follower records what the engine did instead.
 */
const STATUS_AFTER: Record<ControlAction, RunStatus | null> = {
  pause: 'Paused',
  resume: 'Running',
  terminate: 'Terminated',
  restart: 'Queued',
  event: null,
};

const FINISHED: readonly InstanceStatus['status'][] = ['complete', 'errored', 'terminated'];

/** The engine statuses an action is refused in, and why: what the engine itself would not do. */
function refusal(action: ControlAction, status: InstanceStatus['status']): string | null {
  const finished = FINISHED.includes(status);
  const paused = status === 'paused' || status === 'waitingForPause';
  switch (action) {
    case 'pause':
      return finished ? 'it has finished' : paused ? 'it is already paused' : null;
    case 'resume':
      return paused ? null : finished ? 'it has finished' : 'it is not paused';
    case 'terminate':
    case 'event':
      return finished ? 'it has finished' : null;
    case 'restart':
      return null;
  }
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
  caller: Caller,
  event?: { type: string; payload?: JsonValue },
): Promise<{ result: ControlResult; events: EventRef[] }> {
  const db = serviceDb(env);
  const run = requireRunInScope(caller, await getRunRow(db, runId), runId);
  const instance = await instanceOf(env, run, options);
  const verb = action === 'event' ? 'send an event to' : action;
  const engine = await instance.status().catch((error: unknown) => {
    throw new ConflictError(`Cannot ${verb} run '${runId}': Cloudflare Workflows cannot tell its status (${error instanceof Error ? error.message : String(error)}).`, error);
  });
  const refused = refusal(action, engine.status);
  if (refused) throw new ConflictError(`Cannot ${verb} run '${runId}': ${refused} (Cloudflare Workflows reports it ${engine.status}).`);
  try {
    await perform(instance, action, event);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConflictError(`Cannot ${verb} run '${runId}' (Cloudflare Workflows reports it ${engine.status}): ${reason}`, error);
  }
  const now = nowIso();
  const follower = followerOf(env, runId);
  if (follower) await followAfterControl(follower, action, { runId, workflowName: run.workflow_name, binding: workflowBindingName(run.workflow_name, options) });
  const status = follower ? null : STATUS_AFTER[action];
  const statements: Statement[] = [];
  if (action === 'restart' && !follower) statements.push(...resetRunHistory(runId));
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
  statements.push(auditStatement(caller, { action, runId, details: action === 'event' ? { type: event?.type } : null }, now));
  statements.push(selectRun(runId));
  const written = await writeBatch(db, statements);
  const row = written.runs[0];
  if (!row) throw new FlowflareError('INTERNAL', 'The run could not be read back.');
  return { result: { action, run: toRun(row) }, events: written.events };
}

/**
 * Lets the run's follower record what the action made the engine do before the answer is read;
 * a follower that does not answer in time only delays the record, which follows live.
 */
async function followAfterControl(follower: FollowerStub, action: ControlAction, request: FollowRequest): Promise<void> {
  const asked = (async () => {
    await follower.follow(request);
    if (action === 'restart') await follower.restarted();
    else await follower.sync(CONTROL_SYNC_MS);
  })();
  try {
    // a stuck follower delays the answer by this much at the most
    if ((await withDeadline(asked, CONTROL_SYNC_MS + TRACKER_CALL_TIMEOUT_MS)) === TIMED_OUT) {
      console.error(`[flowflare] the follower of run ${request.runId} did not answer in time after ${action}; its record follows later`);
    }
  } catch (error) {
    console.error(`[flowflare] the follower of run ${request.runId} did not answer after ${action}; its record follows later:`, error);
  }
}

/** How long a control action waits for the engine's answer to be recorded. */
const CONTROL_SYNC_MS = 2000;
