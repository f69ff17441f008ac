import type { RunFields } from '../db/runs.js';
import { resetRunIfFinished } from '../db/runs.js';
import type { Statement } from '../db/statement.js';
import { resetStepHistory, selectStepStates, type StepKey, type StepState } from '../db/steps.js';
import type { JsonObject } from '../shared/json.js';
import { attemptFailed, attemptStarted, attemptSucceeded, type AttemptInfo } from './attempts.js';
import { storeValue, type StorePolicy } from './redact.js';
import { errorToJson, nowIso } from './serialize.js';
import { runTransition, stepTransition } from './transitions.js';
import { writeAndPublish, writeTracking, type EventSink } from './writer.js';

/** How a run is recorded. */
export interface RunTrackerOptions {
  workflowName: string;
  inputs: StorePolicy<unknown>;
  outputs: StorePolicy<unknown>;
  maxJsonBytes: number;
  sink?: EventSink;
}

/**
 * How long a record nobody waits for may wait for the next ones to join its batch. Quick steps then
 * share round trips; live views see a change at most this much later.
 */
export const COALESCE_MS = 10;

/** What the run's first batch learned about steps recorded by earlier invocations. */
type Known = Map<string, StepState>;

const FINISHED_STEP = new Set(['Completed', 'Failed']);

/**
 * Records one invocation of a tracked run: the run itself, each `step.do` attempt, sleeps and
 * waits. Writes leave without blocking the run (they are coalesced by the writer) except before
 * the run may be evicted: before a sleep or a wait, after a failed attempt that Workflows will
 * retry later, and at the end. Steps recorded by an earlier invocation (a replay) are not recorded
 * again.
 */
export class RunTracker {
  private readonly counts = new Map<string, number>();
  private position = 0;
  private known: Promise<Known> = Promise.resolve(new Map());

  constructor(
    private readonly db: D1Database,
    readonly runId: string,
    private readonly options: RunTrackerOptions,
  ) {}

  /** Records the run as Running with its input, and learns what earlier invocations recorded. */
  start(payload: unknown, refs: { ref_id: string | null; ref_type: string | null }, metadata: JsonObject | null): void {
    const now = nowIso();
    const metadataText = metadata ? JSON.stringify(metadata) : undefined;
    const statements = [
      ...resetRunIfFinished(this.runId),
      ...runTransition({
        runId: this.runId,
        workflow: { identity: { name: this.options.workflowName, ...refs }, metadata: metadataText ?? null },
        fields: {
          status: 'Running',
          input_params: storeValue(payload, this.options.inputs, this.options.maxJsonBytes),
          ref_id: refs.ref_id,
          ref_type: refs.ref_type,
          metadata: metadataText,
          error: null,
        },
        now,
      }),
      selectStepStates(this.runId),
    ];
    this.known = writeTracking(this.db, statements, this.options.sink, this.runId).then((outcome) => {
      const rows = (outcome.results.at(-1)?.results ?? []) as unknown as StepState[];
      return new Map(rows.map((r) => [stepId(r.step_name, r.step_count), r]));
    });
  }

  /** Gives the next step of this invocation its key and position (deterministic across replays). */
  nextStep(name: string): { key: StepKey; number: number } {
    const count = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, count);
    this.position += 1;
    return { key: { run_id: this.runId, step_name: name, step_count: count }, number: this.position };
  }

  /**
   * Runs one attempt of a `step.do` callback and records it.
   * @param nextAttemptAt when Workflows runs the next attempt after this one failed with an error, or null
   */
  async attempt<T>(
    key: StepKey,
    number: number,
    attempt: number,
    maxRetries: number,
    work: () => Promise<T>,
    nextAttemptAt: (error: unknown) => string | null,
  ): Promise<T> {
    const info: AttemptInfo = { key, stepNumber: number, attempt, maxRetries, startedAt: nowIso() };
    const restarted = attempt === 1 && FINISHED_STEP.has((await this.knownState(key))?.status ?? '');
    this.send([...(restarted ? resetStepHistory(key) : []), ...attemptStarted(info)]);
    if (restarted) (await this.known).delete(stepId(key.step_name, key.step_count));
    try {
      const result = await work();
      this.send(attemptSucceeded(info, this.output(result), nowIso(), this.options.maxJsonBytes));
      return result;
    } catch (error) {
      // Workflows may evict the run while it waits for the retry: this record must be written now.
      await writeAndPublish(this.db, attemptFailed(info, error, nowIso(), nextAttemptAt(error)), this.options.sink, this.runId);
      throw error;
    }
  }

  /** Records a `step.do` whose result came from Workflows' cache, if its completion is not on record. */
  async cachedStep(key: StepKey, number: number, value: unknown): Promise<void> {
    if ((await this.knownState(key))?.status === 'Completed') return;
    const now = nowIso();
    this.send(
      stepTransition({
        key,
        fields: { step_number: number, step_type: 'do', status: 'Completed', output_result: storeValue(value, this.options.outputs, this.options.maxJsonBytes), completed_at: now },
        now,
      }),
    );
  }

  /**
   * Records that the run pauses in a sleep or a wait and waits for the record to be written, since
   * the run may be evicted until then. Does nothing for a pause an earlier invocation finished.
   * @returns false when the pause was already over (a replay): nothing more needs recording
   */
  async pause(key: StepKey, number: number, kind: 'sleep' | 'waitForEvent', until: Date | null, waitingFor?: string): Promise<boolean> {
    const state = await this.knownState(key);
    if (state?.status === 'Completed') return false;
    const now = nowIso();
    const stepStatus = kind === 'sleep' ? 'Sleeping' : 'Waiting';
    const untilText = state?.sleep_until ?? until?.toISOString() ?? null;
    const statements: Statement[] = [];
    if (!state) {
      statements.push(
        ...stepTransition({
          key,
          fields: { step_number: number, step_type: kind, status: stepStatus, sleep_until: untilText, started_at: now },
          now,
        }),
      );
    }
    const runFields: RunFields =
      kind === 'sleep' ? { status: 'Sleeping', sleep_until: untilText } : { status: 'Waiting', waiting_for: waitingFor ?? null, sleep_until: untilText };
    statements.push(...runTransition({ runId: this.runId, workflow: { existing: true }, fields: runFields, now }));
    await writeAndPublish(this.db, statements, this.options.sink, this.runId);
    return true;
  }

  /** Records the end of a sleep or wait: the step Completed (with the event received) or Failed. */
  resume(key: StepKey, outcome: { value?: unknown; error?: unknown }): void {
    const now = nowIso();
    const failed = outcome.error !== undefined;
    this.send([
      ...stepTransition({
        key,
        fields: failed
          ? { status: 'Failed', error: errorToJson(outcome.error), completed_at: now }
          : { status: 'Completed', output_result: outcome.value === undefined ? null : this.output(outcome.value), completed_at: now },
        now,
      }),
      ...runTransition({ runId: this.runId, workflow: { existing: true }, fields: { status: 'Running' }, now }),
    ]);
  }

  /** Records the run's output and waits until every record of this invocation is written. */
  async complete(output: unknown): Promise<void> {
    await writeAndPublish(
      this.db,
      runTransition({ runId: this.runId, workflow: { existing: true }, fields: { status: 'Completed', output_result: this.output(output) }, now: nowIso() }),
      this.options.sink,
      this.runId,
    );
  }

  /** Records the run as Errored and waits until every record of this invocation is written. */
  async fail(error: unknown): Promise<void> {
    await writeAndPublish(
      this.db,
      runTransition({ runId: this.runId, workflow: { existing: true }, fields: { status: 'Errored', error: errorToJson(error) }, now: nowIso() }),
      this.options.sink,
      this.runId,
    );
  }

  /** Waits until every record of this invocation is written (or kept after a failure). */
  async flush(): Promise<void> {
    await writeAndPublish(this.db, [], this.options.sink, this.runId);
  }

  private output(value: unknown): string | null {
    return storeValue(value, this.options.outputs, this.options.maxJsonBytes);
  }

  private send(statements: Statement[]): void {
    void writeTracking(this.db, statements, this.options.sink, this.runId, COALESCE_MS);
  }

  private async knownState(key: StepKey): Promise<StepState | undefined> {
    return (await this.known).get(stepId(key.step_name, key.step_count));
  }
}

function stepId(name: string, count: number): string {
  return `${count}:${name}`;
}
