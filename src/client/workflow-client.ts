import type {
  BatchStartResult,
  ByRefResult,
  ControlResult,
  Page,
  RunDetailResult,
  StartResult,
  StatusCounts,
  TokenResult,
  WorkflowNames,
} from '../shared/api.js';
import { ValidationError } from '../shared/errors.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import type { RunRecord, WorkflowRecord } from '../shared/types.js';
import type { ListFilters, StartRunRequest, TokenRequest } from '../service/schemas.js';
import type { TopicQuery } from '../browser/protocol.js';
import type { ApiKeyRecord, AuditEntry, Caller, CreatedApiKey } from '../shared/access.js';
import type { CreateKeyRequest } from '../service/access-schemas.js';
import type { ArchivedRun } from '../shared/archive-format.js';
import type { AlertFilters, AlertRecord, AlertRule, AlertRuleInput } from '../shared/alerts.js';
import { paginate } from './pagination.js';
import { Transport, type ServiceBindingLike } from './transport.js';

/** Options of a {@link WorkflowClient}: a service binding or a base URL, and the API key. */
export interface WorkflowClientOptions {
  /** A service binding to the workflow service Worker (`env.WORKFLOW_SERVICE`). */
  serviceBinding?: ServiceBindingLike;
  /** The service's URL, such as `https://workflows.example.workers.dev`, when there is no binding. */
  baseUrl?: string;
  /** An API key: the service's `SERVICE_API_KEY`, or a key created with {@link WorkflowClient.createKey}. */
  apiKey: string;
  /** Milliseconds before a request fails with code `TIMEOUT`. @default 30000 */
  timeoutMs?: number;
}

/** Extra options of a start. */
export interface StartOptions {
  /** A repeated start with the same key returns the first run instead of starting another. */
  idempotencyKey?: string;
  /** The instance id to use; generated when omitted. */
  id?: string;
}

/** Filters of {@link WorkflowClient.getWorkflowsByRef}. */
export interface RefQuery {
  ref_id: string;
  ref_type: string;
  /** Runs per page. @default 25 */
  limit?: number;
  cursor?: string;
}

/** Filters of {@link WorkflowClient.countRuns}. */
export type CountFilters = Omit<ListFilters, 'status' | 'cursor' | 'limit'>;

/** Default request timeout, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 30_000;

function queryString(filters: object = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null) continue;
    params.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = params.toString();
  return text.length > 0 ? `?${text}` : '';
}

const path = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

/**
 * A typed client of the workflow service, for other Workers (through a service binding) and for
 * Node or browsers (through `baseUrl`). Every failure is a `FlowflareError` with the service's
 * `code` and HTTP `status`.
 * @example
 * const client = new WorkflowClient({ serviceBinding: env.WORKFLOW_SERVICE, apiKey: env.WORKFLOW_API_KEY });
 * const result = await client.startWorkflow('email_campaign', { subject: 'Hello' }, 'campaign-123', 'campaign');
 * const run = await client.getWorkflow(result.workflowId);
 */
export class WorkflowClient {
  readonly #transport: Transport;

  constructor(options: WorkflowClientOptions) {
    if (!options || (!options.serviceBinding && !options.baseUrl)) {
      throw new ValidationError('WorkflowClient: pass serviceBinding (a service binding to the workflow service) or baseUrl.');
    }
    if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) {
      throw new ValidationError('WorkflowClient: apiKey is required (the service\'s SERVICE_API_KEY).');
    }
    this.#transport = new Transport({
      serviceBinding: options.serviceBinding,
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  /**
   * Starts a workflow by name. The workflow receives `params` as `event.payload`, with `ref_id` and
   * `ref_type` merged in. The result's `workflowId` is the run id: pass it to {@link getWorkflow}.
   * @example
   * const { workflowId } = await client.startWorkflow('email_campaign', { subject: 'Hi' }, 'campaign-123', 'campaign', { triggeredBy: 'ana' });
   */
  startWorkflow(
    name: string,
    params?: JsonObject,
    ref_id?: string | null,
    ref_type?: string | null,
    metadata?: JsonObject | null,
    options: StartOptions = {},
  ): Promise<StartResult> {
    const body: StartRunRequest = {
      workflow: name,
      params,
      ref_id: ref_id ?? undefined,
      ref_type: ref_type ?? undefined,
      metadata: metadata ?? undefined,
      idempotency_key: options.idempotencyKey,
      id: options.id,
    };
    return this.#transport.request('POST', '/api/runs', body);
  }

  /** Starts up to 100 runs at once (of one or several workflows). */
  startWorkflows(runs: StartRunRequest[]): Promise<BatchStartResult> {
    return this.#transport.request('POST', '/api/runs/batch', { runs });
  }

  /**
   * Reads a run with its workflow, steps and attempts. `id` is the run id (the `workflowId` a start
   * returned, which is the Cloudflare instance id).
   */
  getWorkflow(id: string): Promise<RunDetailResult> {
    return this.getRun(id);
  }

  /** Reads a run with its workflow, steps and attempts (the same as {@link getWorkflow}). */
  getRun(id: string): Promise<RunDetailResult> {
    return this.#transport.request('GET', path(id));
  }

  /** Lists workflows, most recently active first, one page at a time. */
  listWorkflows(filters: ListFilters = {}): Promise<Page<WorkflowRecord>> {
    return this.#transport.request('GET', `/api/workflows${queryString(filters)}`);
  }

  /** Lists runs, newest first, one page at a time. */
  listRuns(filters: ListFilters = {}): Promise<Page<RunRecord>> {
    return this.#transport.request('GET', `/api/runs${queryString(filters)}`);
  }

  /** Every workflow matching the filters, across pages. */
  iterateWorkflows(filters: Omit<ListFilters, 'cursor'> = {}): AsyncGenerator<WorkflowRecord, void, undefined> {
    return paginate((cursor) => this.listWorkflows({ ...filters, cursor }));
  }

  /** Every run matching the filters, across pages. */
  iterateRuns(filters: Omit<ListFilters, 'cursor'> = {}): AsyncGenerator<RunRecord, void, undefined> {
    return paginate((cursor) => this.listRuns({ ...filters, cursor }));
  }

  /** The workflows of one business object and its newest runs. */
  getWorkflowsByRef(query: RefQuery): Promise<ByRefResult> {
    return this.#transport.request('GET', `/api/workflows/by-ref${queryString(query)}`);
  }

  /** Counts runs per status. */
  countRuns(filters: CountFilters = {}): Promise<StatusCounts> {
    return this.#transport.request('GET', `/api/runs/counts${queryString(filters)}`);
  }

  /** Names of the workflows the service can start. */
  listWorkflowNames(): Promise<WorkflowNames> {
    return this.#transport.request('GET', '/api/workflows/names');
  }

  /** Pauses a run. */
  pauseRun(id: string): Promise<ControlResult> {
    return this.#transport.request('POST', `${path(id)}/pause`);
  }

  /** Resumes a paused run. */
  resumeRun(id: string): Promise<ControlResult> {
    return this.#transport.request('POST', `${path(id)}/resume`);
  }

  /** Terminates a run. */
  terminateRun(id: string): Promise<ControlResult> {
    return this.#transport.request('POST', `${path(id)}/terminate`);
  }

  /** Restarts a run from the beginning, under the same id. */
  restartRun(id: string): Promise<ControlResult> {
    return this.#transport.request('POST', `${path(id)}/restart`);
  }

  /** Sends an event to a run waiting in `step.waitForEvent({ type })`. */
  sendEvent(id: string, type: string, payload?: JsonValue): Promise<ControlResult> {
    return this.#transport.request('POST', `${path(id)}/events`, { type, payload });
  }

  /** Retries an Errored or Terminated run as a new run with the same params, refs and metadata. */
  retryRun(id: string): Promise<StartResult> {
    return this.#transport.request('POST', `${path(id)}/retry`);
  }

  /**
   * Mints a short-lived subscription token for one topic, for a browser that must not hold the
   * API key. Pass it to `subscribe({ token })` or to the WebSocket as `?token=`.
   * @param topic `'all'`, `{ run_id }`, `{ workflow }` or `{ ref_type, ref_id }` @default 'all'
   * @param ttlSeconds life of the token, at most 86400 @default 900
   * @example
   * const { token } = await client.createSubscriptionToken({ ref_type: 'campaign', ref_id: 'campaign-123' }, 600);
   */
  createSubscriptionToken(topic: TopicQuery = 'all', ttlSeconds?: number): Promise<TokenResult> {
    const body: TokenRequest = { topic, ttl_seconds: ttlSeconds };
    return this.#transport.request('POST', '/api/tokens', body);
  }

  /** Who this client's key is: its name, role and scopes. */
  whoami(): Promise<{ caller: Caller }> {
    return this.#transport.request('GET', '/api/me');
  }

  /**
   * Creates an API key (admin keys only). The secret is in the answer's `key`, and only there.
   * @example
   * const { key } = await client.createKey({ name: 'support', role: 'read', scopes: { ref_types: ['customer'] } });
   */
  createKey(request: CreateKeyRequest): Promise<CreatedApiKey> {
    return this.#transport.request('POST', '/api/keys', request);
  }

  /** Every API key, newest first, without secrets (admin keys only). */
  listKeys(): Promise<{ data: ApiKeyRecord[] }> {
    return this.#transport.request('GET', '/api/keys');
  }

  /** Revokes an API key and the subscription tokens it asked for (admin keys only). */
  revokeKey(id: string): Promise<ApiKeyRecord> {
    return this.#transport.request('DELETE', `/api/keys/${encodeURIComponent(id)}`);
  }

  /** One page of the audit trail, newest first (admin keys only). */
  listAudit(filters: { run_id?: string; action?: string; cursor?: string; limit?: number } = {}): Promise<Page<AuditEntry>> {
    return this.#transport.request('GET', `/api/audit${queryString(filters)}`);
  }

  /**
   * Every run the filters select (within the key's scopes), newest first, in the archive format
   * (`flowflare.run.v1`: the stored columns of the run, its steps and attempts), read as the service
   * streams them.
   * @example
   * for await (const run of client.exportRuns({ ref_type: 'campaign' })) lines.push(JSON.stringify(run));
   */
  exportRuns(filters: CountFilters = {}): AsyncGenerator<ArchivedRun, void, undefined> {
    return this.#transport.lines<ArchivedRun>(`/api/export${queryString(filters)}`);
  }

  /** Restores runs in the archive format (an export, or an R2 archive file gunzipped) (admin keys only). */
  importRuns(ndjson: string): Promise<{ runs: number; restored: number; skipped: number }> {
    return this.#transport.requestText('/api/import', ndjson, 'application/x-ndjson');
  }

  /** Every alert rule: from the service options and from the API. */
  listAlertRules(): Promise<{ rules: AlertRule[] }> {
    return this.#transport.request('GET', '/api/alerts/rules');
  }

  /**
   * Creates an alert rule (admin keys only).
   * @example
   * await client.createAlertRule({ name: 'charge failed', kind: 'run_failed', scope: { workflow: 'charge_card' }, destinations: [{ type: 'slack', url }] });
   */
  createAlertRule(input: AlertRuleInput): Promise<AlertRule> {
    return this.#transport.request('POST', '/api/alerts/rules', input);
  }

  /** Mutes a rule until a time, or unmutes it with `null` (operate keys and above). */
  muteAlertRule(id: string, until: Date | string | null): Promise<AlertRule> {
    const muted_until = until instanceof Date ? until.toISOString() : until;
    return this.#transport.request('PATCH', `/api/alerts/rules/${encodeURIComponent(id)}`, { muted_until });
  }

  /** Deletes a rule created over the API (admin keys only); rules from the options can only be muted. */
  async deleteAlertRule(id: string): Promise<void> {
    await this.#transport.request('DELETE', `/api/alerts/rules/${encodeURIComponent(id)}`);
  }

  /** One page of the alert history, newest first. */
  listAlerts(filters: AlertFilters = {}): Promise<Page<AlertRecord>> {
    return this.#transport.request('GET', `/api/alerts${queryString(filters)}`);
  }

  /** Every alert the filters select, newest first, across pages. */
  allAlerts(filters: Omit<AlertFilters, 'cursor'> = {}): AsyncGenerator<AlertRecord, void, undefined> {
    return paginate((cursor) => this.listAlerts({ ...filters, cursor }));
  }

}
