import type { IRequest } from 'itty-router';
import type * as z from 'zod/mini';
import type { ResponseName } from '../shared/response-schemas.js';
import type { AnySchema } from '../shared/validate.js';
import { alertListQuerySchema, alertRuleInputSchema, muteRuleSchema } from '../alerts/schemas.js';
import { auditQuerySchema, createKeySchema } from './access-schemas.js';
import type { RouteEnv } from './context.js';
import { metricsQuerySchema } from './metrics-schema.js';
import { batchStartSchema, byRefQuerySchema, countsQuerySchema, listQuerySchema, sendEventSchema, startRunSchema, tokenRequestSchema } from './schemas.js';

/** A body or answer that is not JSON: its media type and what it holds. */
export interface OtherContent {
  type: string;
  description: string;
}

/** An answer with no body, such as a 204. */
export interface NoContent {
  description: string;
}

/** One route of the REST API, as the router registers it and the OpenAPI document describes it. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path under `/api`, in itty-router's syntax (`/runs/:id`). */
  path: string;
  /** One line for the document. */
  summary: string;
  /** The query string's schema: the router validates it (a 400 names the field) before the handler runs. */
  query?: AnySchema;
  /** The JSON body's schema, validated likewise (within `maxBodyBytes`). */
  body?: AnySchema;
  /** A body that is not JSON, which the handler reads itself. */
  otherBody?: OtherContent;
  /** Each success status and its answer: a JSON body named in `RESPONSES`, other content, or none. */
  responses: Readonly<Record<number, ResponseName | OtherContent | NoContent>>;
}

/**
 * Every route of the REST API, in the order the router matches them (`/runs/counts` before
 * `/runs/:id`). The router registers exactly these (each needs its handler, see
 * {@link RouteHandlers}), validating each route's query and body with the schemas given here, and
 * the OpenAPI document (`npm run build:openapi`) describes exactly these, so the two cannot drift.
 * The role each route needs comes from `permissions.ts`, for both.
 *
 * A new route joins by an entry here, its handler in a module of `routes/` (spread into the
 * router's handlers), and, if it needs more than `read`, a line in `permissions.ts`; its answer is
 * a schema in `shared/response-schemas.ts` named in `RESPONSES`.
 */
export const ROUTES = {
  startRun: {
    method: 'POST',
    path: '/runs',
    summary: 'Start a run of a workflow by name (idempotent with an idempotency_key).',
    body: startRunSchema,
    responses: { 201: 'StartResult', 200: 'StartResult' },
  },
  startRuns: {
    method: 'POST',
    path: '/runs/batch',
    summary: 'Start up to 100 runs at once.',
    body: batchStartSchema,
    responses: { 201: 'BatchStartResult', 200: 'BatchStartResult' },
  },
  listWorkflowNames: { method: 'GET', path: '/workflows/names', summary: 'Names of the workflows the service can start.', responses: { 200: 'WorkflowNames' } },
  listRuns: { method: 'GET', path: '/runs', summary: 'Runs, newest first, filtered and paged.', query: listQuerySchema, responses: { 200: 'RunPage' } },
  countRuns: { method: 'GET', path: '/runs/counts', summary: 'Number of runs per status.', query: countsQuerySchema, responses: { 200: 'StatusCounts' } },
  getRun: { method: 'GET', path: '/runs/:id', summary: 'A run with its workflow, steps, attempts and audit trail.', responses: { 200: 'RunDetailResult' } },
  listWorkflows: { method: 'GET', path: '/workflows', summary: 'Workflows, most recently active first, filtered and paged.', query: listQuerySchema, responses: { 200: 'WorkflowPage' } },
  getWorkflowsByRef: {
    method: 'GET',
    path: '/workflows/by-ref',
    summary: 'The workflows of one business object and its newest runs.',
    query: byRefQuerySchema,
    responses: { 200: 'ByRefResult' },
  },
  pauseRun: { method: 'POST', path: '/runs/:id/pause', summary: 'Pause a run.', responses: { 200: 'ControlResult' } },
  resumeRun: { method: 'POST', path: '/runs/:id/resume', summary: 'Resume a paused run.', responses: { 200: 'ControlResult' } },
  terminateRun: { method: 'POST', path: '/runs/:id/terminate', summary: 'Terminate a run.', responses: { 200: 'ControlResult' } },
  restartRun: { method: 'POST', path: '/runs/:id/restart', summary: 'Restart a run from the beginning.', responses: { 200: 'ControlResult' } },
  sendEvent: {
    method: 'POST',
    path: '/runs/:id/events',
    summary: 'Send the event a step.waitForEvent of the run waits for.',
    body: sendEventSchema,
    responses: { 200: 'ControlResult' },
  },
  retryRun: { method: 'POST', path: '/runs/:id/retry', summary: 'Start a new run with the params of a finished one.', responses: { 201: 'StartResult' } },
  trackerSocket: {
    method: 'GET',
    path: '/tracker-websocket',
    summary: 'Live updates over a WebSocket, for one topic (run_id, workflow, or ref_type and ref_id; none: everything), after since.',
    responses: { 101: { type: 'application/json', description: 'The WebSocket upgrade; its frames are JSON messages (see docs/live.md).' } },
  },
  createToken: {
    method: 'POST',
    path: '/tokens',
    summary: 'A short-lived subscription token for one topic, for a browser.',
    body: tokenRequestSchema,
    responses: { 201: 'TokenResult' },
  },
  whoami: { method: 'GET', path: '/me', summary: 'Who the key is: its name, role and scopes.', responses: { 200: 'Whoami' } },
  createKey: { method: 'POST', path: '/keys', summary: 'Create an API key (its secret is shown once).', body: createKeySchema, responses: { 201: 'CreatedApiKey' } },
  listKeys: { method: 'GET', path: '/keys', summary: 'The API keys, never their secrets.', responses: { 200: 'KeyList' } },
  revokeKey: { method: 'DELETE', path: '/keys/:id', summary: 'Revoke an API key.', responses: { 200: 'ApiKeyRecord' } },
  listAudit: { method: 'GET', path: '/audit', summary: 'The audit trail, newest first.', query: auditQuerySchema, responses: { 200: 'AuditPage' } },
  exportRuns: {
    method: 'GET',
    path: '/export',
    summary: 'Every run the filters select, newest first, in the archive format.',
    query: countsQuerySchema,
    responses: { 200: { type: 'application/x-ndjson', description: 'One archived run (flowflare.run.v1) per line.' } },
  },
  importRuns: {
    method: 'POST',
    path: '/import',
    summary: 'Restore runs from NDJSON in the archive format; runs already recorded are left as they are.',
    otherBody: { type: 'application/x-ndjson', description: 'One archived run (flowflare.run.v1) per line: an export, or an archive file gunzipped.' },
    responses: { 200: 'ImportResult' },
  },
  getMetrics: {
    method: 'GET',
    path: '/metrics',
    summary: 'Run and step metrics per bucket over a time range, from the rollups (see docs/metrics.md).',
    query: metricsQuerySchema,
    responses: { 200: 'MetricsReport' },
  },
  listAlertRules: { method: 'GET', path: '/alerts/rules', summary: 'The alert rules: those of the service options and those created here.', responses: { 200: 'AlertRuleList' } },
  createAlertRule: {
    method: 'POST',
    path: '/alerts/rules',
    summary: 'Create an alert rule (see docs/alerts.md).',
    body: alertRuleInputSchema,
    responses: { 201: 'AlertRule' },
  },
  muteAlertRule: {
    method: 'PATCH',
    path: '/alerts/rules/:id',
    summary: 'Mute an alert rule until a time, or unmute it (null).',
    body: muteRuleSchema,
    responses: { 200: 'AlertRule' },
  },
  deleteAlertRule: {
    method: 'DELETE',
    path: '/alerts/rules/:id',
    summary: 'Delete an alert rule created over the API (rules of the service options can only be muted).',
    responses: { 204: { description: 'Deleted.' } },
  },
  listAlerts: { method: 'GET', path: '/alerts', summary: 'The alerts fired, newest first, filtered and paged.', query: alertListQuerySchema, responses: { 200: 'AlertPage' } },
  openApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document.',
    responses: { 200: { type: 'application/json', description: 'The OpenAPI 3.1 document of this API.' } },
  },
} as const satisfies Record<string, RouteSpec>;

/** The name of a route in {@link ROUTES}. */
export type RouteName = keyof typeof ROUTES;

type Parsed<R, K extends 'query' | 'body'> = R extends { [P in K]: infer S extends AnySchema } ? z.output<S> : undefined;

/** What a route's handler gets: the request, with its query and JSON body already validated. */
export interface RouteCall<R extends RouteSpec> {
  request: IRequest;
  env: RouteEnv;
  ctx: ExecutionContext;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
}

/** The handler of each route in {@link ROUTES}. */
export type RouteHandlers = { [N in RouteName]: (call: RouteCall<(typeof ROUTES)[N]>) => Response | Promise<Response> };
