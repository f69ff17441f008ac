import * as z from 'zod/mini';
import { ROLES, type Role } from './access.js';
import { jsonObjectSchema as jsonObject, jsonValueSchema as jsonValue } from './json-schema.js';
import { RUN_STATUSES, STEP_STATUSES } from './status.js';

/**
 * The records the service answers with, as zod schemas: the OpenAPI document describes them and
 * their TypeScript types (`RunRecord`, `StepRecord`, ...) are inferred from them. The service
 * builds these records itself and does not parse them, so the Worker does not load this module.
 */

const text = z.string();
const nullableText = z.nullable(z.string());
const time = z.string().check(z.describe('ISO-8601 time'));
const nullableTime = z.nullable(time);
const int = z.number().check(z.int());
const nullableInt = z.nullable(int);

/** A run status, canonical. */
export const runStatusValue = z.enum(RUN_STATUSES);
/** A step status, canonical. */
export const stepStatusValue = z.enum(STEP_STATUSES);
/** An attempt status. */
export const attemptStatusValue = z.enum(['Running', 'Completed', 'Failed']);

/** An error as stored: its class name and message, never a stack. */
export const storedErrorSchema = z.object({ name: text, message: text });

/** A workflow: a name plus the business object it is about. Unique by (name, ref_type, ref_id). */
export const workflowRecordSchema = z.object({
  id: int,
  name: text,
  ref_id: nullableText,
  ref_type: nullableText,
  /** Status of the latest run. */
  status: z.nullable(runStatusValue),
  metadata: z.nullable(jsonObject),
  last_run_id: nullableText,
  run_count: int,
  created_at: time,
  updated_at: time,
});

/** A run: one Cloudflare Workflows instance; `id` is the instance id. */
export const runRecordSchema = z.object({
  id: text,
  workflow_id: int,
  workflow_name: text,
  status: runStatusValue,
  ref_id: nullableText,
  ref_type: nullableText,
  input_params: z.nullable(jsonValue),
  output_result: z.nullable(jsonValue),
  error: z.nullable(storedErrorSchema),
  metadata: z.nullable(jsonObject),
  sleep_until: nullableTime,
  waiting_for: nullableText,
  retry_of: nullableText,
  /** The key the run was started with through the service, for idempotent starts. */
  idempotency_key: z.optional(nullableText),
  started_at: nullableTime,
  completed_at: nullableTime,
  created_at: time,
  updated_at: time,
});

/** A step of a run. */
export const stepRecordSchema = z.object({
  id: int,
  run_id: text,
  step_name: text,
  /** Tells repeated uses of one step name in a run apart. */
  step_count: int,
  /** Position of the step in the run. */
  step_number: int,
  step_type: z.enum(['do', 'sleep', 'waitForEvent']),
  status: stepStatusValue,
  attempts: int,
  retry_count: int,
  max_retries: nullableInt,
  output_result: z.nullable(jsonValue),
  error: z.nullable(storedErrorSchema),
  next_retry_at: nullableTime,
  sleep_until: nullableTime,
  started_at: nullableTime,
  completed_at: nullableTime,
  duration_ms: nullableInt,
  created_at: time,
  updated_at: time,
});

/** One attempt of a step (stored in `workflow_step_retries`). */
export const attemptRecordSchema = z.object({
  id: int,
  run_id: text,
  step_name: text,
  step_count: int,
  attempt: int,
  status: attemptStatusValue,
  error: z.nullable(storedErrorSchema),
  started_at: nullableTime,
  ended_at: nullableTime,
  duration_ms: nullableInt,
  /** When the next attempt is due, for a failed attempt that will be retried. */
  next_retry_at: nullableTime,
  created_at: time,
});

/** A step with its attempts. */
export const stepDetailSchema = z.extend(stepRecordSchema, { attempt_history: z.array(attemptRecordSchema) });

/** A run with its workflow and steps. */
export const runDetailSchema = z.extend(runRecordSchema, {
  workflow: z.nullable(workflowRecordSchema),
  steps: z.array(stepDetailSchema),
});

/** What a key may do (see {@link Role}). */
export const roleValue = z.enum(ROLES as [Role, ...Role[]]);

/**
 * What part of the runs a key sees. Each list that is given narrows it: a run is in scope when its
 * workflow is in `workflows` (if given) and its `ref_type` is in `ref_types` (if given).
 */
export const keyScopesSchema = z.object({ workflows: z.optional(z.array(text)), ref_types: z.optional(z.array(text)) });

/** An API key as lists show it: never its secret. */
export const apiKeyRecordSchema = z.object({
  id: text,
  name: text,
  role: roleValue,
  /** `null`: every run. */
  scopes: z.nullable(keyScopesSchema),
  /** The key's first characters, to recognise it. */
  prefix: text,
  created_at: time,
  created_by: text,
  expires_at: nullableTime,
  revoked_at: nullableTime,
  last_used_at: nullableTime,
});

/** A key just created: the only time its secret is shown. */
export const createdApiKeySchema = z.extend(apiKeyRecordSchema, {
  /** The secret to send as `Authorization: Bearer <key>`; it cannot be read again. */
  key: text,
});

/** Who is calling: the bootstrap key (`SERVICE_API_KEY`) or a stored key. */
export const callerSchema = z.object({
  /** The stored key's id; `null` for the bootstrap key (and an unauthenticated local service). */
  keyId: nullableText,
  /** The key's name, as the audit trail records it. */
  name: text,
  role: roleValue,
  /** `null`: every run. */
  scopes: z.nullable(keyScopesSchema),
});

/** One entry of the audit trail. */
export const auditEntrySchema = z.object({
  id: int,
  at: time,
  /** Name of the key that acted. */
  actor: text,
  /** Its id; `null` for the bootstrap key. */
  key_id: nullableText,
  /** `start`, `retry`, `pause`, `resume`, `terminate`, `restart`, `event`, `key.create`, `key.revoke`, `import`. */
  action: text,
  run_id: nullableText,
  details: z.nullable(z.record(z.string(), z.unknown())),
});
