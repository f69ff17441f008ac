import { resolveDashboard, type DashboardSetting, type ResolvedDashboard } from '../dashboard/options.js';
import type { WorkflowTracker } from '../live/workflow-tracker.js';
import type { AnySchema } from '../shared/validate.js';
import { resolveAlerts, type AlertOptions, type ResolvedAlerts } from '../alerts/options.js';
import { DEFAULT_ASSETS_BINDING } from '../shared/static-assets.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import { positiveDuration, resolveRetention, type ResolvedRetention, type RetentionPolicy } from './retention.js';

/** Options of {@link createWorkflowService}. */
export interface WorkflowServiceOptions {
  /**
   * Origins allowed to call the API from a browser (CORS) and to open the WebSocket, such as
   * `https://your-app.com`; `'*'` allows any origin. Requests without an `Origin` header (other
   * Workers, servers) are not affected. @default []
   */
  allowedOrigins?: string[];
  /** Logs each request (method, path, status, milliseconds) with `console.log`. @default false */
  debug?: boolean;
  /**
   * Workflow name → name of its Workflow binding in `env`, for names that do not follow the rule
   * `email_campaign` → `EMAIL_CAMPAIGN`. @default {}
   */
  workflows?: Record<string, string>;
  /**
   * Optional zod 4 schema per workflow name (from `zod` or `zod/mini`); a start whose params fail it
   * is a 400 naming the fields.
   */
  paramsSchemas?: Record<string, AnySchema>;
  /** Largest request body accepted, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /**
   * Serve requests without an API key when `SERVICE_API_KEY` is not set. Only for local use: with
   * the default, a service without a key refuses every request. @default false
   */
  allowUnauthenticated?: boolean;
  /**
   * The built-in live dashboard page: `{ path }` serves it there, `false` turns it off. The page
   * loads without a key; it asks for the API key and every API call it makes needs it.
   * @default { path: '/' }
   */
  dashboard?: DashboardSetting;
  /**
   * Name of the Workers Static Assets binding (`[assets] binding`) whose directory is the
   * package's static folder, `node_modules/@biggidea/flowflare/dist/static`: the dashboard's files
   * and the OpenAPI document are served from it, not bundled into the Worker. @default 'ASSETS'
   */
  assetsBinding?: string;
  /**
   * How long finished runs and the live event log are kept; the `scheduled` handler (a cron
   * trigger) prunes past it and checks stalled runs against the engine. Runs that have not
   * finished are never deleted.
   * @default { completed: '90 days', errored: '1 year', terminated: '1 year', events: '30 days', stalledAfter: '15 minutes' }
   */
  retention?: RetentionPolicy;
  /**
   * How long an idempotency key answers with its run; a later start with the key starts anew. A
   * key whose run never started (its instance could not be created) is freed at once.
   * @default '24 hours'
   */
  idempotencyTtl?: string | number;
  /**
   * Alert rules, and how their notifications are signed and linked (see docs/alerts.md). Rules can
   * also be created over `POST /api/alerts/rules`. @default { rules: [] }
   */
  alerts?: AlertOptions;
}

/** The bindings the workflow service reads from `env`. Workflow bindings sit beside them. */
export interface ServiceEnv {
  /** The Flowflare D1 database. */
  DB: D1Database;
  /**
   * Workers Static Assets of the package's static folder (`[assets]` with `binding = "ASSETS"`,
   * `run_worker_first = true`): the dashboard's files and the OpenAPI document.
   */
  ASSETS?: Fetcher;
  /**
   * The bootstrap admin key (a secret: `wrangler secret put SERVICE_API_KEY`). Other keys, with
   * roles and scopes, are created with it over `POST /api/keys`.
   */
  SERVICE_API_KEY?: string;
  /** The previous bootstrap key, still accepted while a rotation lasts; delete it to end the rotation. */
  SERVICE_API_KEY_PREVIOUS?: string;
  /** Secret subscription tokens are signed with; without it they are signed with a key derived from `SERVICE_API_KEY`. */
  TOKEN_SIGNING_KEY?: string;
  /** The previous token signing secret, still accepted while a rotation lasts. */
  TOKEN_SIGNING_KEY_PREVIOUS?: string;
  /** An R2 bucket: retention archives finished runs there (gzip NDJSON by day) before deleting them. */
  ARCHIVE?: R2Bucket;
  /**
   * The `WorkflowTracker` Durable Object namespace, for live updates. Typed either way `wrangler
   * types` may declare it (with or without the class).
   */
  WORKFLOW_TRACKER?: DurableObjectNamespace<WorkflowTracker> | DurableObjectNamespace;
  /** Queue producer for alerts: tracking hands what may fire a rule to it, the service's `queue` handler delivers. */
  ALERTS?: Queue;
  /** Secret webhook notifications are signed with (`wrangler secret put ALERT_WEBHOOK_SECRET`). */
  ALERT_WEBHOOK_SECRET?: string;
  /** A `send_email` binding: alert rules with an email destination send through it. */
  ALERT_EMAIL?: SendEmail;
}

/** Options with their defaults applied. */
export interface ResolvedOptions {
  allowedOrigins: readonly string[];
  debug: boolean;
  /** Workflow name → binding name; a Map, so that a name is never looked up through Object.prototype. */
  workflows: ReadonlyMap<string, string>;
  /** Workflow name → params schema, likewise. */
  paramsSchemas: ReadonlyMap<string, AnySchema>;
  maxBodyBytes: number;
  allowUnauthenticated: boolean;
  /** `null` when the dashboard is off. */
  dashboard: ResolvedDashboard | null;
  assetsBinding: string;
  retention: ResolvedRetention;
  idempotencyTtlMs: number;
  alerts: ResolvedAlerts;
}

/** Default largest request body, in bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Applies the defaults. */
export function resolveOptions(options: WorkflowServiceOptions = {}): ResolvedOptions {
  return {
    allowedOrigins: options.allowedOrigins ?? [],
    debug: options.debug ?? false,
    workflows: ownEntries(options.workflows),
    paramsSchemas: ownEntries(options.paramsSchemas),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    allowUnauthenticated: options.allowUnauthenticated ?? false,
    dashboard: resolveDashboard(options.dashboard),
    assetsBinding: options.assetsBinding ?? DEFAULT_ASSETS_BINDING,
    retention: resolveRetention(options.retention),
    idempotencyTtlMs: positiveDuration(options.idempotencyTtl ?? '24 hours', 'idempotencyTtl'),
    alerts: resolveAlerts(options.alerts),
  };
}

/** The own entries of an options map by canonical workflow name, as a Map. */
function ownEntries<T>(record: Record<string, T> | undefined): Map<string, T> {
  return new Map(Object.entries(record ?? {}).map(([name, value]) => [canonicalWorkflowName(name), value]));
}

