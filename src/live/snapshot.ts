import type { TopicSnapshotRows } from '../store/topic-events.js';
import { toAttempt, toRun, toStep } from '../store/rows.js';
import type { RunDetail, StepDetail } from '../shared/types.js';

/** Assembles a topic snapshot into runs with their steps and attempts. */
export function snapshotToRuns(snapshot: TopicSnapshotRows): RunDetail[] {
  const steps = new Map<string, StepDetail[]>();
  for (const row of snapshot.steps) {
    const list = steps.get(row.run_id) ?? [];
    list.push({ ...toStep(row), attempt_history: [] });
    steps.set(row.run_id, list);
  }
  for (const row of snapshot.attempts) {
    const step = steps.get(row.run_id)?.find((s) => s.step_name === row.step_name && s.step_count === row.step_count);
    step?.attempt_history.push(toAttempt(row));
  }
  return snapshot.runs.map((row) => ({ ...toRun(row), workflow: null, steps: steps.get(row.id) ?? [] }));
}
