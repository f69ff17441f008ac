import type { AttemptRecord, EventRecord, RunDetail, RunRecord, StepDetail, StepRecord } from '../shared/types.js';

/** A run as a UI shows it: the run, its steps in order, each with its attempts. */
export type RunView = RunDetail;

/**
 * The merged state of a topic: `initial_data` replaced wholesale, then every `update` applied.
 * Runs are kept newest first.
 */
export class RunViewStore {
  private readonly byId = new Map<string, RunView>();

  /** Replaces the state with an `initial_data` snapshot. */
  reset(runs: RunDetail[]): void {
    this.byId.clear();
    for (const run of runs) this.byId.set(run.id, structuredClone(run));
  }

  /** Applies one event; returns the run it changed. */
  apply(event: EventRecord): RunView | undefined {
    if (event.kind === 'run') {
      const incoming = event.data as unknown as RunRecord;
      const current = this.byId.get(incoming.id);
      const merged: RunView = current
        ? { ...current, ...incoming, input_params: current.input_params }
        : { ...incoming, input_params: null, workflow: null, steps: [] };
      this.byId.set(merged.id, merged);
      return merged;
    }
    if (event.kind === 'step' && event.run_id) {
      const step = event.data as unknown as StepRecord & { last_attempt?: AttemptRecord | null };
      const run = this.byId.get(event.run_id) ?? this.placeholder(event);
      const { last_attempt: attempt, ...fields } = step;
      const index = run.steps.findIndex((s) => s.step_name === fields.step_name && s.step_count === fields.step_count);
      const history = index >= 0 ? run.steps[index]!.attempt_history : [];
      const merged: StepDetail = { ...fields, attempt_history: attempt ? upsertAttempt(history, attempt) : history };
      const steps = index >= 0 ? run.steps.map((s, i) => (i === index ? merged : s)) : [...run.steps, merged];
      steps.sort((a, b) => a.step_number - b.step_number);
      const next = { ...run, steps };
      this.byId.set(next.id, next);
      return next;
    }
    return undefined;
  }

  /** The runs, newest first. */
  runs(): RunView[] {
    return [...this.byId.values()].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : a.id < b.id ? 1 : -1));
  }

  /** One run. */
  get(runId: string): RunView | undefined {
    return this.byId.get(runId);
  }

  private placeholder(event: EventRecord): RunView {
    return {
      id: event.run_id!,
      workflow_id: event.workflow_id ?? 0,
      workflow_name: event.workflow_name ?? '',
      status: 'Running',
      ref_id: event.ref_id,
      ref_type: event.ref_type,
      input_params: null,
      output_result: null,
      error: null,
      metadata: null,
      sleep_until: null,
      waiting_for: null,
      retry_of: null,
      started_at: null,
      completed_at: null,
      created_at: event.created_at,
      updated_at: event.created_at,
      workflow: null,
      steps: [],
    };
  }
}

function upsertAttempt(history: AttemptRecord[], attempt: AttemptRecord): AttemptRecord[] {
  const others = history.filter((a) => a.attempt !== attempt.attempt);
  return [...others, attempt].sort((a, b) => a.attempt - b.attempt);
}
