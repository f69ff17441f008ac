import { startedParams } from '../engine/started-params.js';
import { toRun } from '../store/rows.js';
import { ConflictError } from '../shared/errors.js';
import type { JsonValue } from '../shared/json.js';
import type { RunRecord } from '../shared/types.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import { workflowBinding } from './bindings.js';
import type { Caller } from '../shared/access.js';
import { getRunRow } from '../store/runs.js';
import { requireRunInScope } from './access.js';
import type { ResolvedOptions } from './options.js';
import type { StartRunInput } from './schemas.js';
import { startRun, type StartOutcome } from './start.js';
import { serviceDb } from './storage.js';

/** Statuses a run can be retried from. */
const RETRYABLE: readonly string[] = ['Errored', 'Terminated'];

type Params = Record<string, JsonValue>;

function isObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Retries a failed (Errored or Terminated) run as a new run of the same workflow, with the params
 * the original run got, its refs and metadata; the new run records `retry_of`.
 *
 * The params are the ones the Workflows engine started the original instance with, not the stored
 * `input_params`, which the workflow may have redacted or left out (`TrackingOptions.inputs`) or
 * cut to size. A run whose instance never started retries with what the service recorded at its
 * start, which no workflow code can have changed. Any other run the engine no longer knows (past
 * its retention) is refused: a retry never runs with params other than the original's.
 * @throws ConflictError when the run has not failed, or its params cannot be known
 */
export async function retryRun(env: object, runId: string, options: ResolvedOptions, caller: Caller): Promise<StartOutcome> {
  const run = toRun(requireRunInScope(caller, await getRunRow(serviceDb(env), runId), runId));
  if (!RETRYABLE.includes(run.status)) {
    throw new ConflictError(`Run '${runId}' is ${run.status}; only ${RETRYABLE.join(' or ')} runs can be retried.`);
  }
  const params = { ...(await originalParams(env, run, options)) };
  // The payload has the refs merged in; the start merges them again from the run's refs, and a
  // strict params schema would not know them.
  if (params.ref_id === run.ref_id) delete params.ref_id;
  if (params.ref_type === run.ref_type) delete params.ref_type;
  const input: StartRunInput = {
    workflow: canonicalWorkflowName(run.workflow_name),
    params,
    ref_id: run.ref_id,
    ref_type: run.ref_type,
    metadata: run.metadata,
  };
  return startRun(env, input, options, caller, runId);
}

/** The params the run's instance got, from the engine, or from the service's own record of a run that never started. */
async function originalParams(env: object, run: RunRecord, options: ResolvedOptions): Promise<Params> {
  // no binding is the 404 or 503 a start of this workflow would give
  const binding = workflowBinding(env, canonicalWorkflowName(run.workflow_name), options);
  const instance = await binding.get(run.id).catch(() => null);
  const started = instance === null ? null : await startedParams(instance);
  if (started !== null) {
    if (isObject(started.params)) return started.params;
    throw new ConflictError(`Run '${run.id}' was started with params that are not a JSON object, which a start through this service cannot pass.`);
  }
  if (run.started_at === null && isObject(run.input_params)) return run.input_params;
  throw new ConflictError(
    `Run '${run.id}' cannot be retried with the params it got: Cloudflare Workflows no longer has its instance's start ` +
      '(it may be past its retention), and its stored input_params may be redacted or incomplete (its workflow decides what is stored). ' +
      'To run it again, start a new run with its params (POST /api/runs).',
  );
}
