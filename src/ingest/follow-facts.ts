import type { RunFields } from '../store/runs.js';
import type { Statement } from '../store/statement.js';
import type { StepKey } from '../store/steps.js';
import type { FollowRequest } from '../engine/follow-request.js';
import { runTransition, stepTransition } from './transitions.js';

/** What follow requests said that the engine does not know, waiting to be written. */
export interface Facts {
  /** Run columns: the stored input, refs, metadata, an output stored under the sender's policy. */
  run: RunFields;
  /** Step records (outputs stored under the sender's policy, a wait's deadline). */
  steps: Statement[];
}

/** No facts. */
export function noFacts(): Facts {
  return { run: {}, steps: [] };
}

/** Adds what a follow request knows and the engine does not to `facts`. */
export function addFacts(facts: Facts, request: FollowRequest, now: string): Facts {
  const run: RunFields = { ...facts.run };
  if (request.input !== undefined) run.input_params = request.input;
  if (request.metadata != null) run.metadata = JSON.stringify(request.metadata);
  if (request.ref_id !== undefined) run.ref_id = request.ref_id;
  if (request.ref_type !== undefined) run.ref_type = request.ref_type;
  if (request.retryOf != null) run.retry_of = request.retryOf;
  if (request.runOutput !== undefined) run.output_result = request.runOutput;
  const steps = [...facts.steps, ...(request.statements ?? [])];
  if (request.stepOutput) {
    const { stepName, stepCount, output } = request.stepOutput;
    steps.push(...stepTransition({ key: { run_id: request.runId, step_name: stepName, step_count: stepCount }, fields: { output_result: output }, now }));
  }
  return { run, steps };
}

/** True when there is nothing to write. */
export function isEmpty(facts: Facts): boolean {
  return Object.keys(facts.run).length === 0 && facts.steps.length === 0;
}

/** The statements for facts about a run that is on record. */
export function factStatements(runId: string, facts: Facts, now: string): Statement[] {
  const out: Statement[] = [];
  if (Object.keys(facts.run).length > 0) out.push(...runTransition({ runId, workflow: { existing: true }, fields: facts.run, now }));
  return [...out, ...facts.steps];
}

/** The statements that give a wait already on record the deadline the engine's event lacks. */
export function waitDeadline(key: StepKey, until: string, now: string): Statement[] {
  return [
    ...stepTransition({ key, fields: { sleep_until: until }, now }),
    ...runTransition({ runId: key.run_id, workflow: { existing: true }, fields: { sleep_until: until }, now }),
  ];
}
