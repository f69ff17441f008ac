/**
 * `@biggidea/flowflare`: the workflow service Worker and its Durable Object.
 * @module
 */
export { createWorkflowService } from './service/create-service.js';
export { WorkflowTracker } from './live/workflow-tracker.js';
export type { WorkflowServiceOptions, ServiceEnv } from './service/options.js';
export type { TrackerEnv } from './live/workflow-tracker.js';
export type { InitialDataMessage, UpdateMessage, ServerMessage } from './browser/protocol.js';
export { FlowflareError, ValidationError, NotFoundError, UnauthorizedError, ConflictError } from './shared/errors.js';
export { RUN_STATUSES, STEP_STATUSES, runStatusFromInstance } from './shared/status.js';
export type { RunStatus, StepStatus, AttemptStatus } from './shared/status.js';
export type { Role, KeyScopes, ApiKeyRecord, CreatedApiKey, Caller, AuditEntry } from './shared/access.js';
export type {
  StartRunRequest,
  BatchStartRequest,
  SendEventRequest,
  ListFilters,
} from './service/schemas.js';
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
} from './shared/api.js';
export type {
  WorkflowRecord,
  RunRecord,
  StepRecord,
  AttemptRecord,
  RunDetail,
  StepDetail,
  EventRecord,
  StoredError,
} from './shared/types.js';
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
} from './shared/alerts.js';
export type { AlertOptions } from './alerts/options.js';
export { verifyWebhookSignature, signWebhook, SIGNATURE_HEADER, ID_HEADER, TIMESTAMP_HEADER } from './shared/webhook-signature.js';
export type { VerifyOptions, HeadersLike } from './shared/webhook-signature.js';
