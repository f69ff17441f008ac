import { getRunRow, selectRun, takenRunIds } from '../store/runs.js';
import { toRun, type RunRow } from '../store/rows.js';
import { getRunByIdempotencyKey, getRunsByIdempotencyKeys, releaseIdempotencyKey, setIdempotencyKey } from '../store/service-writes.js';
import type { Statement } from '../store/statement.js';
import type { StartResult } from '../shared/api.js';
import { ConflictError, FlowflareError, ValidationError } from '../shared/errors.js';
import type { JsonValue } from '../shared/json.js';
import { parseWith } from '../shared/validate.js';
import { errorToJson, nowIso } from '../ingest/serialize.js';
import { runTransition } from '../ingest/transitions.js';
import { workflowBinding, workflowBindingName } from './bindings.js';
import { followRuns } from './follow.js';
import { afterAnswer } from './after-answer.js';
import type { ResolvedOptions } from './options.js';
import type { StartRunInput } from './schemas.js';
import type { Caller } from '../shared/access.js';
import { auditStatement } from '../store/audit.js';
import { writeBatch, type WriteResult } from '../store/batch.js';
import { requireScope } from './access.js';
import { d1ErrorKind } from '../store/errors.js';
import { serviceDb } from './storage.js';
import type { EventRef } from '../store/rows.js';

/** A start that passed every check and is ready to record and create. */
interface StartPlan {
  input: StartRunInput;
  runId: string;
  binding: Workflow;
  /** What the workflow receives as `event.payload`: the params with the refs merged in. */
  payload: Record<string, JsonValue>;
  retryOf: string | null;
  /** Who asked for it (the audit trail records it with the run). */
  caller: Caller;
}

/** What a start did: the result for the caller and the events to publish. */
export interface StartOutcome {
  result: StartResult;
  events: EventRef[];
  /**
   * The new runs' followers being asked to follow them, once the answer has gone (hand it to
   * `ctx.waitUntil`). A follower that is never asked is found by the stalled-run sweep.
   */
  following?: Promise<unknown>;
}

function plan(env: object, input: StartRunInput, options: ResolvedOptions, caller: Caller, retryOf: string | null = null): StartPlan {
  requireScope(caller, { workflow_name: input.workflow, ref_type: input.ref_type ?? null });
  const binding = workflowBinding(env, input.workflow, options);
  let params: Record<string, JsonValue> = input.params ?? {};
  const schema = options.paramsSchemas.get(input.workflow);
  if (schema) {
    const parsed = parseWith(schema, params, `params of workflow '${input.workflow}'`) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) params = parsed as Record<string, JsonValue>;
  }
  const payload: Record<string, JsonValue> = { ...params };
  // The seed's workflows read their refs from event.payload.
  if (input.ref_id !== undefined && input.ref_id !== null) payload.ref_id = input.ref_id;
  if (input.ref_type !== undefined && input.ref_type !== null) payload.ref_type = input.ref_type;
  return { input, runId: input.id ?? crypto.randomUUID(), binding, payload, retryOf, caller };
}

function recordStatements(p: StartPlan, now: string): Statement[] {
  const { input } = p;
  const metadata = input.metadata === undefined || input.metadata === null ? null : JSON.stringify(input.metadata);
  const refs = { ref_id: input.ref_id ?? null, ref_type: input.ref_type ?? null };
  const statements = runTransition({
    runId: p.runId,
    workflow: { identity: { name: input.workflow, ...refs }, metadata },
    fields: {
      status: 'Queued',
      ...refs,
      input_params: JSON.stringify(p.payload),
      metadata,
      retry_of: p.retryOf,
    },
    now,
    // the start may be written after the instance began: its follower's or its own status stands
    statusIfNew: true,
  });
  if (input.idempotency_key !== undefined) statements.push(setIdempotencyKey(p.runId, input.idempotency_key));
  statements.push(auditStatement(p.caller, auditOf(p), now), selectRun(p.runId));
  return statements;
}

/** The audit entry of a start or a retry. */
function auditOf(p: StartPlan): { action: string; runId: string; details: Record<string, string> } {
  return { action: p.retryOf ? 'retry' : 'start', runId: p.runId, details: { workflow: p.input.workflow, ...(p.retryOf ? { retry_of: p.retryOf } : {}) } };
}

/**
 * After `create()` refused runs: records that they failed (when they are on record), so that they
 * do not sit in Queued forever, and asks the followers of `followed` to follow their runs (should
 * the engine have the instances after all). @returns the error to answer with
 */
async function createFailed(
  env: object,
  db: D1Database,
  plans: StartPlan[],
  options: ResolvedOptions,
  error: unknown,
  recorded = true,
  followed = plans,
): Promise<FlowflareError> {
  if (recorded) {
    const now = nowIso();
    const statements = plans.flatMap((p) =>
      runTransition({
        runId: p.runId,
        workflow: { existing: true },
        fields: { status: 'Errored', error: errorToJson(error) },
        now,
      }).concat(p.input.idempotency_key === undefined ? [] : [releaseIdempotencyKey(p.runId)]),
    );
    await writeBatch(db, statements).catch((writeError: unknown) => console.error('[flowflare] could not record a failed start:', writeError));
  }
  await followRuns(env, followed, options);
  const reason = error instanceof Error ? error.message : String(error);
  return new FlowflareError('START_FAILED', `Cloudflare Workflows refused to create '${plans[0]!.input.workflow}' instance(s): ${reason}`, {
    status: 502,
    cause: error,
  });
}

/**
 * The run an idempotency key still answers with, or null: a key older than `idempotencyTtl`, or
 * held by a run that never started (its instance could not be created), is freed, so that a
 * repeat starts anew.
 */
function keyHeld(row: RunRow, options: ResolvedOptions): boolean {
  const expired = Date.now() - Date.parse(row.created_at) > options.idempotencyTtlMs;
  const neverStarted = row.status === 'Errored' && row.started_at === null;
  return !expired && !neverStarted;
}

/** The rows whose keys still hold; the others' keys are freed, in one write. */
async function heldBy<T extends RunRow | null>(db: D1Database, rows: readonly T[], options: ResolvedOptions): Promise<(T | null)[]> {
  const freed = rows.filter((r): r is NonNullable<T> => r !== null && !keyHeld(r, options));
  if (freed.length > 0) await writeBatch(db, freed.map((r) => releaseIdempotencyKey(r.id)));
  return rows.map((r) => (r !== null && keyHeld(r, options) ? r : null));
}

function found(row: RunRow): StartResult {
  return { workflowId: row.id, run: toRun(row), created: false };
}

/**
 * Starts one run: records it as Queued (registering its workflow, counting the run, auditing the
 * start) and creates the instance with the payload. Without an idempotency key, the record's write
 * and `create()` overlap (the write leaves first, so it reaches D1 ahead of anything the instance
 * writes), and the answer waits for both; a record D1 refuses twice goes to the run's follower,
 * which writes it with the engine's first events, and the start answers `TRACKING_FAILED` (503)
 * naming the run. With a key, a
 * repeat returns the first run: the key is claimed by the record's write, so the instance is
 * created after it (two concurrent starts with one key create one instance). Either way the run's
 * follower is asked after the answer (`StartOutcome.following`).
 * @param retryOf the run this one retries, recorded as `retry_of`
 */
export async function startRun(
  env: object,
  input: StartRunInput,
  options: ResolvedOptions,
  caller: Caller,
  retryOf: string | null = null,
): Promise<StartOutcome> {
  const db = serviceDb(env);
  const p = plan(env, input, options, caller, retryOf);
  if (input.idempotency_key !== undefined) return startKeyed(env, db, p, options);
  await assertIdFree(db, input);
  const now = nowIso();
  // the record's write leaves before create(), so it reaches D1 ahead of anything the instance writes
  const recording = recordStarted(db, p, now);
  const creating = p.binding.create({ id: p.runId, params: p.payload }).then(
    () => null,
    (error: unknown) => ({ error }),
  );
  const [recorded, refused] = await Promise.all([recording, creating]);
  if (refused) throw await createFailed(env, db, [p], options, refused.error, !('error' in recorded));
  if ('error' in recorded) throw await unrecordedStart(env, p, options, now, recorded.error);
  return { result: startedResult(p, recorded), events: recorded.events, following: afterAnswer(() => followRuns(env, [p], options)) };
}

/**
 * Writes a started run's record; a write D1 could not make for now (not one it rejects) is tried
 * once more. @returns what it wrote, or the error D1 gave
 */
async function recordStarted(db: D1Database, p: StartPlan, now: string): Promise<WriteResult | { error: unknown }> {
  for (let tries = 1; ; tries++) {
    try {
      return await writeBatch(db, recordStatements(p, now));
    } catch (error) {
      if (tries < 2 && d1ErrorKind(error) !== 'rejected') continue;
      return { error };
    }
  }
}

/**
 * The instance of a start runs, but D1 refused its record. Its follower records it from the engine
 * (the payload it got, refs included, under the follower's limits) and is given what only the start
 * knows: the metadata, the run it retries and the audit entry; not when D1 rejected the record
 * itself, which would refuse those again. @returns the 503 that names the run
 */
async function unrecordedStart(env: object, p: StartPlan, options: ResolvedOptions, now: string, error: unknown): Promise<FlowflareError> {
  console.error(`[flowflare] D1 refused the record of run ${p.runId}:`, error);
  const facts =
    d1ErrorKind(error) === 'rejected'
      ? {}
      : { metadata: p.input.metadata ?? null, retryOf: p.retryOf, statements: [auditStatement(p.caller, auditOf(p), now)] };
  const taken = await followRuns(env, [p], options, facts);
  const then = taken ? 'its follower records it from the engine' : 'no follower took it, so it stays unrecorded until one is asked';
  return new FlowflareError('TRACKING_FAILED', `Run '${p.runId}' started, but D1 refused its record; ${then}. Do not start it again.`, { status: 503, cause: error });
}

/**
 * A start with an idempotency key: the record's write claims the key (the unique index refuses a
 * second claim), then the instance is created. A key already held answers with its run.
 */
async function startKeyed(env: object, db: D1Database, p: StartPlan, options: ResolvedOptions): Promise<StartOutcome> {
  const key = p.input.idempotency_key as string;
  const heldRun = async () => (await heldBy(db, [await getRunByIdempotencyKey(db, p.input.workflow, key)], options))[0] ?? null;
  if (p.input.id !== undefined) {
    // a repeat that names its id answers with its run; a new key may not take another run's id
    const existing = await heldRun();
    if (existing) return { result: found(existing), events: [] };
    await assertIdFree(db, p.input);
  }
  let written: WriteResult | null = null;
  for (let tries = 0; written === null; tries++) {
    try {
      written = await writeBatch(db, recordStatements(p, nowIso()));
    } catch (error) {
      if (d1ErrorKind(error) !== 'unique' || tries > 0) throw error;
      // the key is taken: by a run it still answers for, or by one whose key is then freed
      const existing = await heldRun();
      if (existing) return { result: found(existing), events: [] };
    }
  }
  try {
    await p.binding.create({ id: p.runId, params: p.payload });
  } catch (error) {
    throw await createFailed(env, db, [p], options, error);
  }
  return { result: startedResult(p, written), events: written.events, following: afterAnswer(() => followRuns(env, [p], options)) };
}

async function assertIdFree(db: D1Database, input: StartRunInput): Promise<void> {
  if (input.id !== undefined && (await getRunRow(db, input.id))) throw new ConflictError(`A run with id '${input.id}' already exists.`);
}

function startedResult(p: StartPlan, written: WriteResult): StartResult {
  const row = written.runs.find((r) => r.id === p.runId);
  if (!row) throw new FlowflareError('INTERNAL', 'The recorded run could not be read back.');
  return { workflowId: p.runId, run: toRun(row), created: true };
}

/**
 * Starts up to 100 runs: one D1 batch records them all, then one `createBatch` per workflow
 * creates the instances; their followers are asked after the answer. Runs whose idempotency key
 * was seen before are returned as they are.
 */
export async function startRuns(
  env: object,
  inputs: StartRunInput[],
  options: ResolvedOptions,
  caller: Caller,
): Promise<{ results: StartResult[]; events: EventRef[]; following: Promise<unknown> }> {
  const db = serviceDb(env);
  const plans = inputs.map((input) => plan(env, input, options, caller));
  assertDistinct(plans.map((p) => p.input.id).filter((id): id is string => id !== undefined), 'id');
  assertDistinct(
    plans.filter((p) => p.input.idempotency_key !== undefined).map((p) => `${p.input.workflow}\u0000${p.input.idempotency_key}`),
    'idempotency_key',
  );

  const keyed = plans.filter((p) => p.input.idempotency_key !== undefined);
  const existing = new Map<StartPlan, RunRow>();
  if (keyed.length > 0) {
    const rows = await getRunsByIdempotencyKeys(db, keyed.map((p) => ({ workflow: p.input.workflow, key: p.input.idempotency_key as string })));
    const held = await heldBy(db, rows, options);
    keyed.forEach((p, i) => {
      const row = held[i];
      if (row) existing.set(p, row);
    });
  }
  const fresh = plans.filter((p) => !existing.has(p));
  const givenIds = fresh.map((p) => p.input.id).filter((id): id is string => id !== undefined);
  if (givenIds.length > 0) {
    const taken = await takenRunIds(db, givenIds);
    if (taken.length > 0) throw new ConflictError(`Runs already exist: ${taken.join(', ')}.`);
  }

  const now = nowIso();
  let written = { events: [] as EventRef[], runs: [] as RunRow[] };
  if (fresh.length > 0) {
    try {
      written = await writeBatch(db, fresh.flatMap((p) => recordStatements(p, now)));
    } catch (error) {
      if (d1ErrorKind(error) === 'unique') {
        throw new ConflictError('A concurrent start used an idempotency key of this batch; send the batch again.', error);
      }
      throw error;
    }
  }

  for (const group of groupByWorkflow(fresh)) {
    try {
      await group[0]!.binding.createBatch(group.map((p) => ({ id: p.runId, params: p.payload })));
    } catch (error) {
      // every run of the batch is followed: the groups created before record what they do, and the
      // runs of groups never sent are closed as StartFailed after the start grace period
      throw await createFailed(env, db, group, options, error, true, fresh);
    }
  }
  const following = afterAnswer(() => followRuns(env, fresh, options));

  const rows = new Map(written.runs.map((r) => [r.id, r]));
  const results = plans.map((p): StartResult => {
    const before = existing.get(p);
    if (before) return found(before);
    const row = rows.get(p.runId);
    if (!row) throw new FlowflareError('INTERNAL', 'A recorded run could not be read back.');
    return { workflowId: p.runId, run: toRun(row), created: true };
  });
  return { results, events: written.events, following };
}

function assertDistinct(values: string[], field: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new ValidationError(`runs: ${field} '${v.replace('\u0000', ' ')}' appears more than once in the batch`);
    seen.add(v);
  }
}

function groupByWorkflow(plans: StartPlan[]): StartPlan[][] {
  const groups = new Map<string, StartPlan[]>();
  for (const p of plans) {
    const group = groups.get(p.input.workflow) ?? [];
    group.push(p);
    groups.set(p.input.workflow, group);
  }
  return [...groups.values()];
}
