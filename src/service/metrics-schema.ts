import * as z from 'zod/mini';
import { METRICS_BUCKETS } from '../shared/metrics.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import { parseQueryTime } from './query-time.js';

/** A time in a query string (ISO-8601 or epoch milliseconds, as the run list reads `since`), as epoch ms. */
const queryTime = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const date = parseQueryTime(value);
    if (date === null || Number.isNaN(date.getTime())) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `not a time: '${value}' (use ISO-8601, such as 2026-01-31 or 2026-01-31T10:00:00Z, or epoch milliseconds)`,
      });
      return z.NEVER;
    }
    return date.getTime();
  }),
);

const text = (max: number) => z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(max, `at most ${max} characters`));

/**
 * Query string of `GET /api/metrics`. The range's size and a minute range's age depend on the
 * service's options, so the route checks them (`metricsRange`).
 */
export const metricsQuerySchema = z
  .strictObject({
    from: z.optional(queryTime),
    to: z.optional(queryTime),
    bucket: z.optional(z.enum(METRICS_BUCKETS as ['minute', 'hour', 'day'])),
    workflow: z.optional(z.pipe(text(200), z.transform(canonicalWorkflowName))),
    step: z.optional(text(500)),
    ref_type: z.optional(text(500)),
    ref_id: z.optional(text(500)),
    metadata_key: z.optional(text(200)),
    metadata_value: z.optional(z.string().check(z.maxLength(1000, 'at most 1000 characters'))),
  })
  .check(
    z.superRefine((q, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message, input: q });
      if (q.step !== undefined && q.workflow === undefined) issue('workflow', 'required with step');
      if (q.ref_id !== undefined && q.ref_type === undefined) issue('ref_type', 'required with ref_id');
      if ((q.metadata_key === undefined) !== (q.metadata_value === undefined)) issue('metadata_value', 'metadata_key and metadata_value go together');
    }),
  );

/** A validated metrics query (times as epoch ms). */
export type MetricsQueryInput = z.output<typeof metricsQuerySchema>;
