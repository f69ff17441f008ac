import { appendRunEvent, appendStepEvent } from '../store/events.js';
import { contentKey } from './content-key.js';
import { updateRun, upsertRun, type RunFields, type WorkflowRef } from '../store/runs.js';
import type { Statement } from '../store/statement.js';
import { upsertAttempt, upsertStep, type AttemptFields, type StepFields, type StepKey } from '../store/steps.js';
import { countNewRun, syncWorkflowStatus, upsertWorkflow, type WorkflowIdentity } from '../store/workflows.js';
import { workflowById, workflowByIdentity } from '../store/runs.js';
import { metadataProblem } from '../shared/json-limits.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';

/** Where a run's workflow comes from when the run may be new. */
export type RunWorkflow =
  | { identity: WorkflowIdentity; metadata?: string | null }
  | { workflowId: number }
  | { existing: true };

/** A change to a run. */
export interface RunChange {
  runId: string;
  workflow: RunWorkflow;
  fields: RunFields;
  now: string;
  /**
   * What makes this change unique when it is not a replayed write (the engine event it records):
   * it is then appended even when its fields repeat the entity's latest event.
   */
  source?: string;
  /** The status is written only when the run is new (see `upsertRun`). */
  statusIfNew?: boolean;
}

/**
 * Statements for one run transition: register the workflow and count the run when it is new, write
 * the run, copy its status to the workflow, append the event (unless it repeats the run's latest
 * change, as a replayed write does). One batch.
 */
export function runTransition(change: RunChange): Statement[] {
  const { runId, workflow, now } = change;
  const fields = withStorableMetadata(change.fields, runId);
  const out: Statement[] = [];
  if ('existing' in workflow) {
    out.push(...updateRun(runId, fields, now));
  } else {
    let ref: WorkflowRef;
    if ('identity' in workflow) {
      // whoever names the workflow (the service, a helper, the follower), it is recorded by its canonical name
      const identity = { ...workflow.identity, name: canonicalWorkflowName(workflow.identity.name) };
      ref = workflowByIdentity(identity);
      out.push(upsertWorkflow(identity, storableMetadata(workflow.metadata, runId) ?? null, runId, now));
    } else {
      ref = workflowById(workflow.workflowId);
    }
    out.push(countNewRun(ref.idSql, ref.idParams, runId, now));
    out.push(...upsertRun(runId, ref, fields, now, change.statusIfNew));
  }
  out.push(syncWorkflowStatus(runId, now));
  out.push(appendRunEvent(runId, contentKey({ ...fields, source: change.source }), now));
  return out;
}

/**
 * Metadata text as D1 can merge and index it, or `undefined` (nothing written) for text it could
 * not: not JSON, nested too deep or too large (see `metadataProblem`). The service refuses such
 * metadata with a 400; this keeps any other sender's from reaching D1, where a merge of it would
 * fail every later write of the workflow.
 */
function storableMetadata(text: string | null | undefined, runId: string): string | null | undefined {
  if (text === null || text === undefined) return text;
  let problem: string | null;
  try {
    problem = metadataProblem(JSON.parse(text));
  } catch {
    problem = 'not JSON';
  }
  if (problem === null) return text;
  console.error(`[flowflare] metadata of run ${runId} not stored: ${problem}`);
  return undefined;
}

function withStorableMetadata(fields: RunFields, runId: string): RunFields {
  if (fields.metadata === undefined || fields.metadata === null) return fields;
  const { metadata, ...rest } = fields;
  const kept = storableMetadata(metadata, runId);
  return kept === undefined ? rest : { ...rest, metadata: kept };
}

/** A change to a step, with the attempt it concerns. */
export interface StepChange {
  key: StepKey;
  fields: StepFields;
  attempt?: AttemptFields;
  now: string;
  /** As {@link RunChange.source}. */
  source?: string;
}

/** Statements for one step transition: the step, its attempt, the event. One batch. */
export function stepTransition(change: StepChange): Statement[] {
  const out = [upsertStep(change.key, change.fields, change.now)];
  if (change.attempt) out.push(upsertAttempt(change.key, change.attempt, change.now));
  out.push(appendStepEvent(change.key, contentKey({ ...change.fields, attempt: change.attempt?.attempt, outcome: change.attempt?.status, source: change.source }), change.now));
  return out;
}
