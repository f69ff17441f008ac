import type { RunFields } from '../db/runs.js';
import type { Statement } from '../db/statement.js';
import type { FollowRequest } from '../engine/follow-request.js';
import { runTransition, stepTransition } from '../tracking/transitions.js';

/**
 * The statements for what a follow request knows and the engine does not: the run's stored input,
 * refs and metadata (registering its workflow if the run is new), and a wait's deadline.
 */
export function followFacts(request: FollowRequest, now: string): Statement[] {
  const fields: RunFields = {};
  if (request.input !== undefined) fields.input_params = request.input;
  if (request.metadata != null) fields.metadata = JSON.stringify(request.metadata);
  if (request.ref_id !== undefined) fields.ref_id = request.ref_id;
  if (request.ref_type !== undefined) fields.ref_type = request.ref_type;
  const out: Statement[] = [];
  if (Object.keys(fields).length > 0) {
    const identity = { name: request.workflowName, ref_id: request.ref_id ?? null, ref_type: request.ref_type ?? null };
    out.push(...runTransition({ runId: request.runId, workflow: { identity, metadata: fields.metadata ?? null }, fields, now }));
  }
  if (request.wait?.until) {
    const key = { run_id: request.runId, step_name: request.wait.stepName, step_count: request.wait.stepCount };
    out.push(...stepTransition({ key, fields: { step_type: 'waitForEvent', sleep_until: request.wait.until }, now }));
    out.push(...runTransition({ runId: request.runId, workflow: { existing: true }, fields: { sleep_until: request.wait.until }, now }));
  }
  return out;
}
