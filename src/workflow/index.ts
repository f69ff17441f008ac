/**
 * `@biggidea/flowflare/workflow`: tracking helpers used inside Cloudflare Workflow classes.
 * @module
 */
export { TrackedWorkflow, defaultName } from './tracked-workflow.js';
export type { TrackingOptions } from './tracked-workflow.js';
export type { TrackedStep } from './tracked-step.js';
export type { StorePolicy } from '../ingest/redact.js';
export { trackStep } from './track-step.js';
export { trackDurableStep, toStepConfig } from './track-durable-step.js';
export { updateWorkflowRun, updateWorkflowInstance, updateWorkflowStep, recordStepRetry } from './update-run.js';
export { DEFAULT_RETRY_OPTIONS, retryDelayMs } from './retry-options.js';
export { flushTracking, pendingTrackingWrites } from '../store/writer.js';
export type { RetryOptions, BackoffType } from './retry-options.js';
export type { TrackingEnv, TrackedStepError, RetryInfo } from './guards.js';
export type { RunUpdate, StepUpdate, StepRetry } from './schemas.js';
export { FlowflareError, ValidationError } from '../shared/errors.js';
export { RUN_STATUSES, STEP_STATUSES } from '../shared/status.js';
export type { RunStatus, StepStatus, AttemptStatus } from '../shared/status.js';
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
