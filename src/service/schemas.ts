import { z } from 'zod';
import { MAX_TOKEN_TTL_SECONDS } from '../live/token-limits.js';
import { MAX_JSON_DEPTH, metadataProblem, nestedDeeperThan } from '../shared/json-limits.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import { parseQueryTime } from './query-time.js';
import { runStatusSchema } from '../shared/status-schemas.js';

/** Most rows one list request returns. */
export const MAX_PAGE_SIZE = 100;

/** Rows a list request returns when it gives no `limit`. */
export const DEFAULT_PAGE_SIZE = 25;

/** Most runs one batch start takes (the limit of Workflows' `createBatch`). */
export const MAX_BATCH_SIZE = 100;

/** Cloudflare's rule for instance ids: letters, digits, `-` and `_`, at most 100 characters. */
const instanceId = z
  .string()
  .max(100, 'at most 100 characters')
  .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_-]*$/, 'letters, digits, - and _ only, not starting with -');

/** A workflow name, in its canonical (lower-case) form. */
const workflowName = z.string().min(1, 'required').max(200).transform(canonicalWorkflowName);
const refText = z.string().min(1, 'must not be empty').max(500);

/**
 * `schema`, preceded by a check of the raw value (its depth, its size) that runs before zod walks
 * it: zod's JSON schema recurses once per level and would run out of stack on deep input.
 */
function checkedFirst<S extends z.ZodType>(schema: S, problem: (value: unknown) => string | null): z.ZodType<z.output<S>, z.input<S>> {
  const checked = z
    .unknown()
    .superRefine((value, ctx) => {
      const found = problem(value);
      if (found) ctx.addIssue({ code: 'custom', message: found });
    })
    .pipe(schema);
  // the check only refuses values; what passes is parsed by `schema`, so its types are the pipe's
  return checked as unknown as z.ZodType<z.output<S>, z.input<S>>;
}

const tooDeep = (value: unknown) => (nestedDeeperThan(value, MAX_JSON_DEPTH) ? `nested deeper than ${MAX_JSON_DEPTH} levels` : null);

/** Any JSON value, at most {@link MAX_JSON_DEPTH} levels deep. */
const jsonValue = checkedFirst(z.json(), tooDeep);

/** A JSON object, at most {@link MAX_JSON_DEPTH} levels deep. */
const jsonObject = checkedFirst(z.record(z.string(), z.json()), tooDeep);

/** Metadata: a JSON object within the depth and size limits (D1 merges and indexes it). */
const metadataObject = checkedFirst(z.record(z.string(), z.json()), metadataProblem);

/** Body of a start: which workflow, its params, the business object it is about, and metadata. */
export const startRunSchema = z
  .object({
    /** Workflow name, such as `email_campaign`. */
    workflow: workflowName,
    /** The payload the workflow receives as `event.payload` (with `ref_id`/`ref_type` merged in). */
    params: jsonObject.optional(),
    ref_id: refText.nullable().optional(),
    ref_type: refText.nullable().optional(),
    /** Stored on the run and merged into its workflow's metadata; at most 64 levels and 16 KiB. */
    metadata: metadataObject.nullable().optional(),
    /** A repeated start with the same key (for the same workflow) returns the first run. */
    idempotency_key: z.string().min(1).max(200).optional(),
    /** The instance id to use; generated when omitted. */
    id: instanceId.optional(),
  })
  .strict();

/** A start request as the client sends it. */
export type StartRunRequest = z.input<typeof startRunSchema>;

/** A start request after validation. */
export type StartRunInput = z.output<typeof startRunSchema>;

/** Body of a batch start. */
export const batchStartSchema = z
  .object({ runs: z.array(startRunSchema).min(1, 'at least one run').max(MAX_BATCH_SIZE, `at most ${MAX_BATCH_SIZE} runs`) })
  .strict();

/** A batch start request as the client sends it. */
export type BatchStartRequest = z.input<typeof batchStartSchema>;

/** Body of `POST /api/runs/:id/events`: the event a `step.waitForEvent` waits for. */
export const sendEventSchema = z
  .object({
    type: z.string().min(1, 'required').max(100),
    payload: jsonValue.optional(),
  })
  .strict();

/** An event as the client sends it. */
export type SendEventRequest = z.input<typeof sendEventSchema>;


/** A time given in a query string: ISO-8601 or epoch milliseconds (see `parseQueryTime`); compared as ISO-8601. */
const queryTime = z.string().transform((value, ctx) => {
  const date = parseQueryTime(value);
  if (date === null || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a time: '${value}' (use ISO-8601, such as 2026-01-31 or 2026-01-31T10:00:00Z, or epoch milliseconds)` });
    return z.NEVER;
  }
  return date.toISOString();
});

const limit = z
  .string()
  .regex(/^\d+$/, 'a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'at least 1').max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE}`));

/** The filters runs and workflows share (lists and counts). */
const filterFields = {
  workflow: workflowName.optional(),
  ref_type: refText.optional(),
  ref_id: refText.optional(),
  /** Runs: created at or after; workflows: active at or after. */
  since: queryTime.optional(),
  /** Runs: created before; workflows: last active before. */
  until: queryTime.optional(),
  metadata_key: z.string().min(1).max(200).optional(),
  metadata_value: z.string().max(1000).optional(),
};

/** Query string of `GET /api/runs` and `GET /api/workflows`. */
export const listQuerySchema = z
  .object({
    ...filterFields,
    status: runStatusSchema.optional(),
    cursor: z.string().min(1).max(1000).optional(),
    limit: limit.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.ref_id !== undefined && q.ref_type === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ref_type'], message: 'required with ref_id' });
    }
    if ((q.metadata_key === undefined) !== (q.metadata_value === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['metadata_value'], message: 'metadata_key and metadata_value go together' });
    }
  });

/** Filters of a list, as the client passes them (all strings but `limit`). */
export interface ListFilters {
  /** Workflow name. */
  workflow?: string;
  /** A run status, such as `Running` (Cloudflare's `running` and `complete` work too). */
  status?: string;
  ref_type?: string;
  /** Needs `ref_type`. */
  ref_id?: string;
  /** ISO-8601 time, a `Date`, or epoch milliseconds. */
  since?: string | number | Date;
  until?: string | number | Date;
  /** Filter on one top-level metadata key; needs `metadata_value`. */
  metadata_key?: string;
  /** The value as text: `admin-panel`, `42`, `true`. */
  metadata_value?: string;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  /** Rows per page, 1 to 100. @default 25 */
  limit?: number;
}

/** Query string of `GET /api/workflows/by-ref`. */
export const byRefQuerySchema = z
  .object({
    ref_type: refText,
    ref_id: refText,
    cursor: z.string().min(1).max(1000).optional(),
    limit: limit.optional(),
  })
  .strict();

/** Query string of `GET /api/runs/counts`: the list filters without status, cursor and limit. */
export const countsQuerySchema = z
  .object(filterFields)
  .strict()
  .superRefine((q, ctx) => {
    if (q.ref_id !== undefined && q.ref_type === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ref_type'], message: 'required with ref_id' });
    }
    if ((q.metadata_key === undefined) !== (q.metadata_value === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['metadata_value'], message: 'metadata_key and metadata_value go together' });
    }
  });

/** A topic in a body: `"all"`, `{ run_id }`, `{ workflow }` or `{ ref_type, ref_id }`. */
export const topicSchema = z.union([
  z.literal('all'),
  z.object({ run_id: z.string().min(1).max(200) }).strict(),
  z.object({ workflow: z.string().min(1).max(200) }).strict(),
  z.object({ ref_type: z.string().min(1).max(200), ref_id: z.string().min(1).max(200) }).strict(),
]);

/** Body of `POST /api/tokens`: the topic a subscription token grants and its life. */
export const tokenRequestSchema = z
  .object({
    topic: topicSchema.optional(),
    ttl_seconds: z.number().int().min(1).max(MAX_TOKEN_TTL_SECONDS).optional(),
  })
  .strict();

/** A token request as the client sends it. */
export type TokenRequest = z.input<typeof tokenRequestSchema>;
