import type { IRequest } from 'itty-router';
import type * as z from 'zod/mini';
import type { AnySchema } from '../shared/validate.js';
import { alertListQuerySchema, alertRuleInputSchema, muteRuleSchema } from '../alerts/schemas.js';
import { auditQuerySchema, createKeySchema } from './access-schemas.js';
import type { RouteEnv } from './context.js';
import { metricsQuerySchema } from './metrics-schema.js';
import { batchStartSchema, byRefQuerySchema, countsQuerySchema, listQuerySchema, sendEventSchema, startRunSchema, tokenRequestSchema } from './schemas.js';

/** One route of the REST API, as the router registers it (its documentation: route-docs.ts). */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path under `/api`, in itty-router's syntax (`/runs/:id`). */
  path: string;
  /** The query string's schema: the router validates it (a 400 names the field) before the handler runs. */
  query?: AnySchema;
  /** The JSON body's schema, validated likewise (within `maxBodyBytes`). */
  body?: AnySchema;
}

/**
 * Every route of the REST API, in the order the router matches them (`/runs/counts` before
 * `/runs/:id`). The router registers exactly these (each needs its handler, see
 * {@link RouteHandlers}), validating each route's query and body with the schemas given here, and
 * the OpenAPI document (`npm run build:openapi`) describes exactly these, so the two cannot drift.
 * The role each route needs comes from `permissions.ts`, for both.
 *
 * A new route joins by an entry here, its summary and answers in `ROUTE_DOCS` (route-docs.ts, which
 * only the OpenAPI build reads, so the Worker does not carry them), its handler in a module of
 * `routes/` (spread into the router's handlers), and, if it needs more than `read`, a line in
 * `permissions.ts`; its answer is a schema in `shared/response-schemas.ts` named in `RESPONSES`.
 */
export const ROUTES = {
  startRun: { method: 'POST', path: '/runs', body: startRunSchema },
  startRuns: { method: 'POST', path: '/runs/batch', body: batchStartSchema },
  listWorkflowNames: { method: 'GET', path: '/workflows/names' },
  listRuns: { method: 'GET', path: '/runs', query: listQuerySchema },
  countRuns: { method: 'GET', path: '/runs/counts', query: countsQuerySchema },
  getRun: { method: 'GET', path: '/runs/:id' },
  listWorkflows: { method: 'GET', path: '/workflows', query: listQuerySchema },
  getWorkflowsByRef: { method: 'GET', path: '/workflows/by-ref', query: byRefQuerySchema },
  pauseRun: { method: 'POST', path: '/runs/:id/pause' },
  resumeRun: { method: 'POST', path: '/runs/:id/resume' },
  terminateRun: { method: 'POST', path: '/runs/:id/terminate' },
  restartRun: { method: 'POST', path: '/runs/:id/restart' },
  sendEvent: { method: 'POST', path: '/runs/:id/events', body: sendEventSchema },
  retryRun: { method: 'POST', path: '/runs/:id/retry' },
  trackerSocket: { method: 'GET', path: '/tracker-websocket' },
  createToken: { method: 'POST', path: '/tokens', body: tokenRequestSchema },
  whoami: { method: 'GET', path: '/me' },
  createKey: { method: 'POST', path: '/keys', body: createKeySchema },
  listKeys: { method: 'GET', path: '/keys' },
  revokeKey: { method: 'DELETE', path: '/keys/:id' },
  listAudit: { method: 'GET', path: '/audit', query: auditQuerySchema },
  exportRuns: { method: 'GET', path: '/export', query: countsQuerySchema },
  importRuns: { method: 'POST', path: '/import' },
  getMetrics: { method: 'GET', path: '/metrics', query: metricsQuerySchema },
  listAlertRules: { method: 'GET', path: '/alerts/rules' },
  createAlertRule: { method: 'POST', path: '/alerts/rules', body: alertRuleInputSchema },
  muteAlertRule: { method: 'PATCH', path: '/alerts/rules/:id', body: muteRuleSchema },
  deleteAlertRule: { method: 'DELETE', path: '/alerts/rules/:id' },
  listAlerts: { method: 'GET', path: '/alerts', query: alertListQuerySchema },
  openApi: { method: 'GET', path: '/openapi.json' },
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
