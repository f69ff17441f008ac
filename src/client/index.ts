/**
 * `@biggidea/flowflare/client`: a typed client of the workflow service. It has no `cloudflare:*`
 * import, so it loads in Workers, Node and browsers.
 * @module
 */
export { WorkflowClient, DEFAULT_TIMEOUT_MS } from './workflow-client.js';
export type { WorkflowClientOptions, StartOptions, RefQuery, CountFilters } from './workflow-client.js';
export type { ServiceBindingLike } from './transport.js';
export { paginate } from './pagination.js';
export { FlowflareError } from '../shared/errors.js';
export { RUN_STATUSES, STEP_STATUSES } from '../shared/status.js';
export type { RunStatus, StepStatus, AttemptStatus } from '../shared/status.js';
export type { StartRunRequest, BatchStartRequest, SendEventRequest, ListFilters, TokenRequest } from '../service/schemas.js';
export type {
  Page,
  StartResult,
  BatchStartResult,
  RunDetailResult,
  ByRefResult,
  StatusCounts,
  ControlAction,
  ControlResult,
  WorkflowNames,
  ErrorBody,
  TokenResult,
} from '../shared/api.js';
export type { TopicQuery } from '../browser/protocol.js';
export type { Role, KeyScopes, ApiKeyRecord, CreatedApiKey, Caller, AuditEntry } from '../shared/access.js';
export type { CreateKeyRequest } from '../service/access-schemas.js';
export type { ArchivedRun } from '../shared/archive-format.js';
export type {
  AlertKind,
  AlertScope,
  AlertDestination,
  AlertRuleInput,
  AlertRule,
  AlertState,
  AlertRecord,
  AlertFilters,
  StuckStatus,
} from '../shared/alerts.js';
export type {
  WorkflowRecord,
  RunRecord,
  StepRecord,
  AttemptRecord,
  RunDetail,
  StepDetail,
  EventRecord,
  StoredError,
} from '../shared/types.js';
export type { JsonObject, JsonValue } from '../shared/json.js';
export { verifyWebhookSignature, signWebhook, SIGNATURE_HEADER, ID_HEADER, TIMESTAMP_HEADER } from '../shared/webhook-signature.js';
export type { VerifyOptions, HeadersLike } from '../shared/webhook-signature.js';
