import type { JsonObject } from './json.js';
import type { RunStatus } from './status.js';
import type { RunDetail, RunRecord, WorkflowRecord } from './types.js';
import type { AuditEntry } from './access.js';

/**
 * Response bodies of the workflow service's REST API. The service builds them and the client
 * returns them, so both sides are checked against these types.
 */

/** A page of a list. `next_cursor` is `null` on the last page. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** What a start returns. */
export interface StartResult {
  /** The run id (the Cloudflare instance id); pass it to `getWorkflow` / `getRun`. */
  workflowId: string;
  /** The run as recorded when it was started (or found, for a repeated idempotent start). */
  run: RunRecord;
  /** `false` when an idempotency key matched an earlier start and no new run was made. */
  created: boolean;
}

/** What a batch start returns, one result per requested run, in order. */
export interface BatchStartResult {
  results: StartResult[];
}

/** What `GET /api/runs/:id` returns: the run with its workflow, steps and attempts. */
export interface RunDetailResult extends RunDetail {
  /** Who started and controlled the run, newest first (the latest 50; `GET /api/audit?run_id=` has all). */
  audit: AuditEntry[];
}

/** The workflows of one business object and its newest runs. */
export interface ByRefResult {
  ref_type: string;
  ref_id: string;
  /** Every workflow registered for the object (one per workflow name). */
  workflows: WorkflowRecord[];
  /** Its runs, newest first, one page. */
  runs: RunRecord[];
  next_cursor: string | null;
}

/** Number of runs per status. */
export interface StatusCounts {
  counts: Record<RunStatus, number>;
  total: number;
}

/** The control actions the service performs on a run. */
export type ControlAction = 'pause' | 'resume' | 'terminate' | 'restart' | 'event';

/** What a control action returns: the run as recorded after it. */
export interface ControlResult {
  action: ControlAction;
  run: RunRecord;
}

/** Names of the workflows the service can start. */
export interface WorkflowNames {
  names: string[];
}

/** The error body of every failed request. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Metadata as sent to the service. */
export type Metadata = JsonObject;

/** What `POST /api/tokens` returns: a short-lived subscription token for one topic. */
export interface TokenResult {
  /** Pass it to the WebSocket as `?token=` or as the sub-protocol `flowflare-token.<token>`. */
  token: string;
  /** The topic key it grants (`all`, `run:<id>`, `workflow:<name>`, `ref:<type>:<id>`). */
  scope: string;
  /** When it stops being accepted (ISO-8601). */
  expires_at: string;
}
