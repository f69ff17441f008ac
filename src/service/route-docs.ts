import type { ResponseName } from '../shared/response-schemas.js';
import type { RouteName } from './route-table.js';

/** A body or answer that is not JSON: its media type and what it holds. */
export interface OtherContent {
  type: string;
  description: string;
}

/** An answer with no body, such as a 204. */
export interface NoContent {
  description: string;
}

/** What the OpenAPI document says of a route besides its method, path and schemas. */
export interface RouteDoc {
  /** One line for the document. */
  summary: string;
  /** A body that is not JSON, which the handler reads itself. */
  otherBody?: OtherContent;
  /** Each success status and its answer: a JSON body named in `RESPONSES`, other content, or none. */
  responses: Readonly<Record<number, ResponseName | OtherContent | NoContent>>;
}

/**
 * The documentation of every route of `ROUTES`, for the OpenAPI document. Only the build
 * (`npm run build:openapi`) reads it: the Worker serves the document from its static assets and
 * never carries these texts. Typed by route name, so a route without its entry does not compile.
 */
export const ROUTE_DOCS: Record<RouteName, RouteDoc> = {
  startRun: { summary: 'Start a run of a workflow by name (idempotent with an idempotency_key).', responses: { 200: 'StartResult', 201: 'StartResult' } },
  startRuns: { summary: 'Start up to 100 runs at once.', responses: { 200: 'BatchStartResult', 201: 'BatchStartResult' } },
  listWorkflowNames: { summary: 'Names of the workflows the service can start.', responses: { 200: 'WorkflowNames' } },
  listRuns: { summary: 'Runs, newest first, filtered and paged.', responses: { 200: 'RunPage' } },
  countRuns: { summary: 'Number of runs per status.', responses: { 200: 'StatusCounts' } },
  getRun: { summary: 'A run with its workflow, steps, attempts and audit trail.', responses: { 200: 'RunDetailResult' } },
  listWorkflows: { summary: 'Workflows, most recently active first, filtered and paged.', responses: { 200: 'WorkflowPage' } },
  getWorkflowsByRef: { summary: 'The workflows of one business object and its newest runs.', responses: { 200: 'ByRefResult' } },
  pauseRun: { summary: 'Pause a run.', responses: { 200: 'ControlResult' } },
  resumeRun: { summary: 'Resume a paused run.', responses: { 200: 'ControlResult' } },
  terminateRun: { summary: 'Terminate a run.', responses: { 200: 'ControlResult' } },
  restartRun: { summary: 'Restart a run from the beginning.', responses: { 200: 'ControlResult' } },
  sendEvent: { summary: 'Send the event a step.waitForEvent of the run waits for.', responses: { 200: 'ControlResult' } },
  retryRun: { summary: 'Start a new run with the params of a finished one.', responses: { 201: 'StartResult' } },
  trackerSocket: { summary: 'Live updates over a WebSocket, for one topic (run_id, workflow, or ref_type and ref_id; none: everything), after since.', responses: { 101: { type: 'application/json', description: 'The WebSocket upgrade; its frames are JSON messages (see docs/live.md).' } } },
  createToken: { summary: 'A short-lived subscription token for one topic, for a browser.', responses: { 201: 'TokenResult' } },
  whoami: { summary: 'Who the key is: its name, role and scopes.', responses: { 200: 'Whoami' } },
  createKey: { summary: 'Create an API key (its secret is shown once).', responses: { 201: 'CreatedApiKey' } },
  listKeys: { summary: 'The API keys, never their secrets.', responses: { 200: 'KeyList' } },
  revokeKey: { summary: 'Revoke an API key.', responses: { 200: 'ApiKeyRecord' } },
  listAudit: { summary: 'The audit trail, newest first.', responses: { 200: 'AuditPage' } },
  exportRuns: { summary: 'Every run the filters select, newest first, in the archive format.', responses: { 200: { type: 'application/x-ndjson', description: 'One archived run (flowflare.run.v1) per line.' } } },
  importRuns: { summary: 'Restore runs from NDJSON in the archive format; runs already recorded are left as they are.', otherBody: { type: 'application/x-ndjson', description: 'One archived run (flowflare.run.v1) per line: an export, or an archive file gunzipped.' }, responses: { 200: 'ImportResult' } },
  getMetrics: { summary: 'Run and step metrics per bucket over a time range, from the rollups (see docs/metrics.md).', responses: { 200: 'MetricsReport' } },
  listAlertRules: { summary: 'The alert rules: those of the service options and those created here.', responses: { 200: 'AlertRuleList' } },
  createAlertRule: { summary: 'Create an alert rule (see docs/alerts.md).', responses: { 201: 'AlertRule' } },
  muteAlertRule: { summary: 'Mute an alert rule until a time, or unmute it (null).', responses: { 200: 'AlertRule' } },
  deleteAlertRule: { summary: 'Delete an alert rule created over the API (rules of the service options can only be muted).', responses: { 204: { description: 'Deleted.' } } },
  listAlerts: { summary: 'The alerts fired, newest first, filtered and paged.', responses: { 200: 'AlertPage' } },
  openApi: { summary: 'This OpenAPI 3.1 document.', responses: { 200: { type: 'application/json', description: 'The OpenAPI 3.1 document of this API.' } } },
};
