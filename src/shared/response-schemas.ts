import * as z from 'zod/mini';
import {
  apiKeyRecordSchema,
  auditEntrySchema,
  callerSchema,
  createdApiKeySchema,
  runDetailSchema,
  runRecordSchema,
  workflowRecordSchema,
} from './record-schemas.js';
import { ALERT_KINDS, ALERT_STATES, type AlertRecord, type AlertRule } from './alerts.js';
import type { MetricsReport } from './metrics.js';
import { RUN_STATUSES } from './status.js';

/**
 * The JSON bodies the service answers with, as zod schemas: the OpenAPI document describes each
 * route's answer with one of them, and the client's response types are inferred from them.
 */

/** A page of a list of `item`. `next_cursor` is `null` on the last page. */
export function pageOf<T extends z.core.$ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.nullable(z.string()) });
}

/** What a start returns. */
export const startResultSchema = z.object({
  /** The run id (the Cloudflare instance id); pass it to `getWorkflow` / `getRun`. */
  workflowId: z.string(),
  /** The run as recorded when it was started (or found, for a repeated idempotent start). */
  run: runRecordSchema,
  /** `false` when an idempotency key matched an earlier start and no new run was made. */
  created: z.boolean(),
});

/** What a batch start returns, one result per requested run, in order. */
export const batchStartResultSchema = z.object({ results: z.array(startResultSchema) });

/** What `GET /api/runs/:id` returns: the run with its workflow, steps and attempts. */
export const runDetailResultSchema = z.extend(runDetailSchema, {
  /** Who started and controlled the run, newest first (the latest 50; `GET /api/audit?run_id=` has all). */
  audit: z.array(auditEntrySchema),
});

/** The workflows of one business object and its newest runs. */
export const byRefResultSchema = z.object({
  ref_type: z.string(),
  ref_id: z.string(),
  /** Every workflow registered for the object (one per workflow name). */
  workflows: z.array(workflowRecordSchema),
  /** Its runs, newest first, one page. */
  runs: z.array(runRecordSchema),
  next_cursor: z.nullable(z.string()),
});

/** Number of runs per status. */
export const statusCountsSchema = z.object({
  counts: z.object(Object.fromEntries(RUN_STATUSES.map((s) => [s, z.number()])) as Record<(typeof RUN_STATUSES)[number], z.ZodMiniNumber>),
  total: z.number(),
});

/** The control actions the service performs on a run. */
export const controlActionValue = z.enum(['pause', 'resume', 'terminate', 'restart', 'event']);

/** What a control action returns: the run as recorded after it. */
export const controlResultSchema = z.object({ action: controlActionValue, run: runRecordSchema });

/** Names of the workflows the service can start. */
export const workflowNamesSchema = z.object({ names: z.array(z.string()) });

/** The error body of every failed request. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** What `POST /api/tokens` returns: a short-lived subscription token for one topic. */
export const tokenResultSchema = z.object({
  /** Pass it to the WebSocket as `?token=` or as the sub-protocol `flowflare-token.<token>`. */
  token: z.string(),
  /** The topic key it grants (`all`, `run:<id>`, `workflow:<name>`, `ref:<type>:<id>`). */
  scope: z.string(),
  /** When it stops being accepted (ISO-8601). */
  expires_at: z.string(),
});

/** What `GET /api/me` returns: who the key is. */
export const whoamiSchema = z.object({ caller: callerSchema });

/** What `GET /api/keys` returns. */
export const keyListSchema = z.object({ data: z.array(apiKeyRecordSchema) });

/** What `POST /api/import` returns: runs read, restored, and skipped as already recorded. */
export const importResultSchema = z.object({ runs: z.number(), restored: z.number(), skipped: z.number() });

const percentilesSchema = z.nullable(z.object({ p50: z.number(), p95: z.number(), p99: z.number() }));

const metricsCountsShape = {
  started: z.number(),
  completed: z.number(),
  errored: z.number(),
  terminated: z.number(),
  success_rate: z.nullable(z.number()),
  duration_ms: percentilesSchema,
  queued_ms: percentilesSchema,
};

/** What `GET /api/metrics` answers (see `shared/metrics.ts` and docs/metrics.md). */
export const metricsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: z.enum(['minute', 'hour', 'day']),
  totals: z.object(metricsCountsShape),
  series: z.array(z.object({ ...metricsCountsShape, time: z.string() })),
  steps: z.array(
    z.object({
      workflow: z.string(),
      step: z.string(),
      count: z.number(),
      errored: z.number(),
      attempts: z.number(),
      retries: z.number(),
      duration_ms: percentilesSchema,
    }),
  ),
  errors: z.array(
    z.object({
      message: z.string(),
      workflow: z.string(),
      step: z.nullable(z.string()),
      count: z.number(),
      first_seen: z.string(),
      last_seen: z.string(),
      example_run_ids: z.array(z.string()),
    }),
  ),
  relative_error: z.number(),
});

const alertScopeSchema = z.object({
  workflow: z.optional(z.string()),
  ref_type: z.optional(z.string()),
  metadata_key: z.optional(z.string()),
  metadata_value: z.optional(z.string()),
});

/** An alert rule as stored (`shared/alerts.ts` `AlertRule`), its durations in milliseconds. */
export const alertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ALERT_KINDS),
  scope: alertScopeSchema,
  statuses: z.optional(z.array(z.string())),
  status: z.optional(z.string()),
  after_ms: z.optional(z.number()),
  retries: z.optional(z.number()),
  threshold: z.optional(z.number()),
  window_ms: z.optional(z.number()),
  min_runs: z.optional(z.number()),
  destinations: z.array(
    z.union([
      z.object({ type: z.literal('webhook'), url: z.string() }),
      z.object({ type: z.literal('slack'), url: z.string() }),
      z.object({ type: z.literal('email'), to: z.string() }),
    ]),
  ),
  cooldown_ms: z.number(),
  muted_until: z.nullable(z.string()),
  source: z.enum(['options', 'api']),
  created_at: z.string(),
});

/** One firing of a rule, or a cooldown summary of several (`shared/alerts.ts` `AlertRecord`). */
export const alertRecordSchema = z.object({
  id: z.string(),
  rule_id: z.string(),
  rule_name: z.string(),
  kind: z.enum(ALERT_KINDS),
  run_id: z.nullable(z.string()),
  workflow: z.nullable(z.string()),
  summary: z.string(),
  count: z.number(),
  state: z.enum(ALERT_STATES),
  attempts: z.number(),
  last_error: z.nullable(z.string()),
  fired_at: z.string(),
  delivered_at: z.nullable(z.string()),
});

/**
 * Every answer a route may give, by name: a route of the table names its answer here, so that the
 * Worker, which does not describe itself at run time, never loads these schemas.
 */
export const RESPONSES = {
  StartResult: startResultSchema,
  BatchStartResult: batchStartResultSchema,
  RunPage: pageOf(runRecordSchema),
  WorkflowPage: pageOf(workflowRecordSchema),
  AuditPage: pageOf(auditEntrySchema),
  RunDetailResult: runDetailResultSchema,
  ByRefResult: byRefResultSchema,
  StatusCounts: statusCountsSchema,
  ControlResult: controlResultSchema,
  WorkflowNames: workflowNamesSchema,
  TokenResult: tokenResultSchema,
  Whoami: whoamiSchema,
  ApiKeyRecord: apiKeyRecordSchema,
  CreatedApiKey: createdApiKeySchema,
  KeyList: keyListSchema,
  ImportResult: importResultSchema,
  MetricsReport: metricsReportSchema,
  AlertRule: alertRuleSchema,
  AlertRuleList: z.object({ rules: z.array(alertRuleSchema) }),
  AlertPage: pageOf(alertRecordSchema),
  ErrorBody: errorBodySchema,
} as const;

/** The name of a JSON answer in {@link RESPONSES}. */
export type ResponseName = keyof typeof RESPONSES;

/** The JSON body of the answer named `N`. */
export type ResponseBody<N extends ResponseName> = z.output<(typeof RESPONSES)[N]>;

/** True when `A` and `B` are assignable both ways. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

/**
 * Compile-time checks that the answers' schemas (which the OpenAPI document describes) and the
 * shared types (which the client returns) say the same: `npm run typecheck` fails when they drift.
 */
export type SchemasMatchTypes = [
  Holds<Exactly<z.output<typeof alertRuleSchema>, AlertRule>>,
  Holds<Exactly<z.output<typeof alertRecordSchema>, AlertRecord>>,
  Holds<Exactly<z.output<typeof metricsReportSchema>, MetricsReport>>,
];
