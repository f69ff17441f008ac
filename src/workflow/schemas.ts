import * as z from 'zod/mini';
import { runStatusSchema, stepStatusSchema } from '../shared/status-schemas.js';
import { refuse } from '../shared/validate.js';

const optionalText = z.optional(z.nullable(z.string()));

/** A timestamp: an ISO-8601 string, a `Date` or epoch milliseconds; stored as ISO-8601. */
export const timestamp = z.optional(
  z.nullable(
    z.pipe(
      z.union([z.string(), z.date(), z.number()]),
      z.transform((value: string | Date | number, ctx) => {
        const date = value instanceof Date ? value : new Date(value);
        if (Number.isNaN(date.getTime())) return refuse(ctx, `not a date: ${JSON.stringify(value)}`);
        return date.toISOString();
      }),
    ),
  ),
);

/** Any JSON value, or a string that already holds JSON (as the seed passes it). */
const json = z.optional(z.unknown());

const runId = z.string().check(z.minLength(1, 'the run id (event.instanceId) is required'));
const stepName = z.string().check(z.minLength(1));
const positiveInt = z.number().check(z.int(), z.positive());
const count = z.optional(z.number().check(z.int(), z.minimum(0)));

/** What `updateWorkflowRun` accepts: the columns of `workflow_runs` a caller may set. */
export const runUpdateSchema = z.strictObject({
  id: runId,
  workflow_id: z.optional(positiveInt),
  workflow_name: z.optional(z.string().check(z.minLength(1))),
  status: z.optional(runStatusSchema),
  ref_id: optionalText,
  ref_type: optionalText,
  input_params: json,
  output_result: json,
  error: json,
  metadata: json,
  sleep_until: timestamp,
  waiting_for: optionalText,
  retry_of: optionalText,
  started_at: timestamp,
  completed_at: timestamp,
});

/** Input of `updateWorkflowRun`. */
export type RunUpdate = z.input<typeof runUpdateSchema>;

/** What `updateWorkflowStep` accepts. */
export const stepUpdateSchema = z.strictObject({
  run_id: runId,
  step_name: stepName,
  step_number: positiveInt,
  status: z.optional(stepStatusSchema),
  output_result: json,
  error: json,
  retry_count: count,
  max_retries: count,
  next_retry_at: timestamp,
  sleep_until: timestamp,
  started_at: timestamp,
  completed_at: timestamp,
});

/** Input of `updateWorkflowStep`. */
export type StepUpdate = z.input<typeof stepUpdateSchema>;

/** What `recordStepRetry` accepts: one failed attempt and, if another follows, when. */
export const stepRetrySchema = z.strictObject({
  run_id: runId,
  step_name: stepName,
  step_number: positiveInt,
  retry_count: positiveInt,
  error: json,
  next_retry_at: timestamp,
  max_retries: count,
});

/** Input of `recordStepRetry`. */
export type StepRetry = z.input<typeof stepRetrySchema>;
