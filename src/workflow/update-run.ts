import { getRunWorkflowId, type RunFields } from '../store/runs.js';
import { getWorkflowById } from '../store/workflows.js';
import { ValidationError } from '../shared/errors.js';
import { toJsonColumn } from '../shared/json.js';
import { metadataProblem } from '../shared/json-limits.js';
import { attemptFailed } from '../ingest/attempts.js';
import { errorToJson, nowIso } from '../ingest/serialize.js';
import { runTransition, stepTransition, type RunWorkflow } from '../ingest/transitions.js';
import { writeAndPublish } from '../store/writer.js';
import { publisherFor } from '../live/publish.js';
import { afterTrackingWrite } from './announce.js';
import { discoverWorkflowName } from './discover-name.js';
import { requireDb, type TrackingEnv } from './guards.js';
import { parseWith } from '../shared/validate.js';
import {
  runUpdateSchema,
  stepRetrySchema,
  stepUpdateSchema,
  type RunUpdate,
  type StepRetry,
  type StepUpdate,
} from './schemas.js';

/** Runs known to be recorded, so later updates skip the lookup. Bounded; a miss only costs a read. */
const knownRuns = new Set<string>();
const KNOWN_RUNS_LIMIT = 1000;

function remember(runId: string): void {
  if (knownRuns.size >= KNOWN_RUNS_LIMIT) knownRuns.clear();
  knownRuns.add(runId);
}

/**
 * Creates or updates a run (upsert by `id`, the instance id). Only the documented fields are
 * accepted; an unknown field is an error and never reaches SQL. JSON fields take a value or a
 * string that holds JSON.
 *
 * The first write of a run registers its workflow by name: `workflow_name` when given, otherwise
 * the name of the Workflow binding that owns the instance (`EMAIL_CAMPAIGN` → `email_campaign`),
 * otherwise `workflow_id` when that workflow exists. An existing run keeps its workflow, so the
 * seed's `workflow_id: 1` is harmless for runs started through the service.
 *
 * Every change is appended to the event log in the same D1 batch. Tracking never throws for D1
 * failures (see API.md, "Guarantees"); it does throw for invalid input.
 *
 * With the `WORKFLOW_TRACKER` binding the run is also followed from the Workflows engine's own
 * events: a status written here stands until the engine's next event says otherwise.
 *
 * @example
 * await updateWorkflowRun({ id: event.instanceId, status: 'Completed', output_result: JSON.stringify(result) }, this.env);
 */
export async function updateWorkflowRun(data: RunUpdate, env: TrackingEnv): Promise<void> {
  const input = parseWith(runUpdateSchema, data, 'updateWorkflowRun');
  const db = requireDb(env, 'updateWorkflowRun');
  const fields: RunFields = {
    status: input.status,
    ref_id: input.ref_id,
    ref_type: input.ref_type,
    input_params: input.input_params === undefined ? undefined : toJsonColumn(input.input_params),
    output_result: input.output_result === undefined ? undefined : toJsonColumn(input.output_result),
    error: input.error === undefined ? undefined : input.error === null ? null : storedError(input.error),
    metadata: input.metadata === undefined ? undefined : metadataColumn(input.metadata),
    sleep_until: input.sleep_until,
    waiting_for: input.waiting_for,
    retry_of: input.retry_of,
    started_at: input.started_at,
    completed_at: input.completed_at,
  };
  const workflow = await resolveWorkflow(db, env, input);
  const outcome = await writeAndPublish(db, runTransition({ runId: input.id, workflow, fields, now: nowIso() }), publisherFor(env), input.id);
  if (outcome.written) remember(input.id);
  await afterTrackingWrite(env, db, input.id, outcome, 'identity' in workflow ? workflow.identity.name : undefined);
}

/** The older seed's name for {@link updateWorkflowRun}. */
export const updateWorkflowInstance = updateWorkflowRun;

async function resolveWorkflow(
  db: D1Database,
  env: unknown,
  input: { id: string; workflow_name?: string; workflow_id?: number; ref_id?: string | null; ref_type?: string | null; metadata?: unknown },
): Promise<RunWorkflow> {
  const metadata = input.metadata === undefined ? null : metadataColumn(input.metadata);
  const identity = (name: string): RunWorkflow => ({
    identity: { name, ref_type: input.ref_type ?? null, ref_id: input.ref_id ?? null },
    metadata,
  });
  if (input.workflow_name) return identity(input.workflow_name);
  if (knownRuns.has(input.id)) return { existing: true };
  let recorded: boolean | null = null;
  try {
    recorded = (await getRunWorkflowId(db, input.id)) !== null;
  } catch (error) {
    // D1 cannot tell now; the write is kept and retried like any other tracking write
    console.error(`[flowflare] updateWorkflowRun: D1 read failed for run ${input.id}; recording it by its workflow binding:`, error);
  }
  if (recorded === true) return { existing: true };
  const discovered = await discoverWorkflowName(env, input.id);
  if (discovered) return identity(discovered);
  if (recorded === null) return { existing: true };
  if (input.workflow_id !== undefined && (await getWorkflowById(db, input.workflow_id).catch(() => null))) {
    return { workflowId: input.workflow_id };
  }
  throw new ValidationError(
    `updateWorkflowRun: run '${input.id}' is not recorded yet and its workflow is unknown` +
      (input.workflow_id === undefined ? '' : ` (workflow ${input.workflow_id} does not exist)`) +
      ". Pass workflow_name (for example 'email_campaign'): Flowflare registers the workflow on first use.",
  );
}

function storedError(value: unknown): string {
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value) as unknown;
      if (parsed && typeof parsed === 'object' && 'message' in parsed) return value;
    } catch {
      // a plain message
    }
    return errorToJson(new Error(value));
  }
  return errorToJson(value);
}

function metadataColumn(value: unknown): string | null {
  const text = toJsonColumn(value);
  if (text === null) return null;
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('metadata must be a JSON object (or a string holding one)');
  }
  const problem = metadataProblem(parsed);
  if (problem) throw new ValidationError(`metadata is ${problem}`);
  return text;
}

/**
 * Creates or updates a step of a run (upsert by run, `step_name` and `step_number`), for code that
 * tracks steps by hand. Whitelisted fields only.
 * @example
 * await updateWorkflowStep({ run_id: event.instanceId, step_name: 'charge', step_number: 1, status: 'Running' }, this.env);
 */
export async function updateWorkflowStep(data: StepUpdate, env: TrackingEnv): Promise<void> {
  const input = parseWith(stepUpdateSchema, data, 'updateWorkflowStep');
  const db = requireDb(env, 'updateWorkflowStep');
  const key = { run_id: input.run_id, step_name: input.step_name, step_count: input.step_number };
  const fields = {
    step_number: input.step_number,
    status: input.status,
    output_result: input.output_result === undefined ? undefined : toJsonColumn(input.output_result),
    error: input.error === undefined ? undefined : input.error === null ? null : storedError(input.error),
    retry_count: input.retry_count,
    max_retries: input.max_retries,
    next_retry_at: input.next_retry_at,
    sleep_until: input.sleep_until,
    started_at: input.started_at ?? (input.status === 'Running' ? nowIso() : undefined),
    completed_at:
      input.completed_at ?? (input.status === 'Completed' || input.status === 'Failed' ? nowIso() : undefined),
  };
  const outcome = await writeAndPublish(db, stepTransition({ key, fields, now: nowIso() }), publisherFor(env), key.run_id);
  await afterTrackingWrite(env, db, key.run_id, outcome);
}

/**
 * Records a failed attempt of a step and the retry that follows: attempt `retry_count` failed with
 * `error`, attempt `retry_count + 1` is due at `next_retry_at`. The step becomes Retrying.
 * @example
 * await recordStepRetry({ run_id: event.instanceId, step_name: 'charge', step_number: 1, retry_count: 1, error: err.message, next_retry_at: when }, this.env);
 */
export async function recordStepRetry(data: StepRetry, env: TrackingEnv): Promise<void> {
  const input = parseWith(stepRetrySchema, data, 'recordStepRetry');
  const db = requireDb(env, 'recordStepRetry');
  const now = nowIso();
  const error = input.error === undefined || input.error === null ? 'failed' : input.error;
  const statements = attemptFailed(
    {
      key: { run_id: input.run_id, step_name: input.step_name, step_count: input.step_number },
      stepNumber: input.step_number,
      attempt: input.retry_count,
      maxRetries: input.max_retries ?? null,
      startedAt: now,
    },
    typeof error === 'string' ? new Error(error) : error,
    now,
    input.next_retry_at ?? now,
  );
  const outcome = await writeAndPublish(db, statements, publisherFor(env), input.run_id);
  await afterTrackingWrite(env, db, input.run_id, outcome);
}
