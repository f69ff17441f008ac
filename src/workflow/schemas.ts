import { z } from 'zod';
import { runStatusSchema, stepStatusSchema } from '../shared/status-schemas.js';

const optionalText = z.string().nullable().optional();

/** A timestamp: an ISO-8601 string, a `Date` or epoch milliseconds; stored as ISO-8601. */
export const timestamp = z
  .union([z.string(), z.date(), z.number()])
  .transform((value, ctx) => {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a date: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return date.toISOString();
  })
  .nullable()
  .optional();

/** Any JSON value, or a string that already holds JSON (as the seed passes it). */
const json = z.unknown().optional();


/** What `updateWorkflowRun` accepts: the columns of `workflow_runs` a caller may set. */
export const runUpdateSchema = z
  .object({
    id: z.string().min(1, 'the run id (event.instanceId) is required'),
    workflow_id: z.number().int().positive().optional(),
    workflow_name: z.string().min(1).optional(),
    status: runStatusSchema.optional(),
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
  })
  .strict();

/** Input of `updateWorkflowRun`. */
export type RunUpdate = z.input<typeof runUpdateSchema>;

/** What `updateWorkflowStep` accepts. */
export const stepUpdateSchema = z
  .object({
    run_id: z.string().min(1, 'the run id (event.instanceId) is required'),
    step_name: z.string().min(1),
    step_number: z.number().int().positive(),
    status: stepStatusSchema.optional(),
    output_result: json,
    error: json,
    retry_count: z.number().int().min(0).optional(),
    max_retries: z.number().int().min(0).optional(),
    next_retry_at: timestamp,
    sleep_until: timestamp,
    started_at: timestamp,
    completed_at: timestamp,
  })
  .strict();

/** Input of `updateWorkflowStep`. */
export type StepUpdate = z.input<typeof stepUpdateSchema>;

/** What `recordStepRetry` accepts: one failed attempt and, if another follows, when. */
export const stepRetrySchema = z
  .object({
    run_id: z.string().min(1, 'the run id (event.instanceId) is required'),
    step_name: z.string().min(1),
    step_number: z.number().int().positive(),
    retry_count: z.number().int().positive(),
    error: json,
    next_retry_at: timestamp,
    max_retries: z.number().int().min(0).optional(),
  })
  .strict();

/** Input of `recordStepRetry`. */
export type StepRetry = z.input<typeof stepRetrySchema>;
