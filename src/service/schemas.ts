import * as z from 'zod/mini';
import { MAX_TOKEN_TTL_SECONDS } from '../live/token-limits.js';
import { MAX_JSON_DEPTH, metadataProblem, nestedDeeperThan } from '../shared/json-limits.js';
import { jsonObjectSchema, jsonValueSchema } from '../shared/json-schema.js';
import { refuse, type AnySchema } from '../shared/validate.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import { parseQueryTime } from './query-time.js';
import { runStatusSchema } from '../shared/status-schemas.js';
import { pageLimit } from '../shared/schema-fields.js';


/** Most runs one batch start takes (the limit of Workflows' `createBatch`). */
export const MAX_BATCH_SIZE = 100;

/** Cloudflare's rule for instance ids: letters, digits, `-` and `_`, at most 100 characters. */
const instanceId = z
  .string()
  .check(z.maxLength(100, 'at most 100 characters'), z.regex(/^[a-zA-Z0-9_][a-zA-Z0-9_-]*$/, 'letters, digits, - and _ only, not starting with -'));

/** A workflow name, in its canonical (lower-case) form. */
const workflowName = z.pipe(z.string().check(z.minLength(1, 'required'), z.maxLength(200)), z.transform(canonicalWorkflowName));
const refText = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(500));

/** Text of 1 to `max` characters, with zod's own messages. */
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/**
 * `schema`, preceded by a check of the raw value (its depth, its size) that runs before zod walks
 * it: zod's JSON schema recurses once per level and would run out of stack on deep input. The check
 * is a transform that passes the value on, so a JSON Schema of the input describes `schema`.
 */
function checkedFirst<S extends AnySchema>(schema: S, problem: (value: unknown) => string | null): z.ZodMiniType<z.output<S>, z.input<S>> {
  const check = z.transform((value: unknown, ctx) => {
    const found = problem(value);
    return found ? refuse(ctx, found) : value;
  });
  // the check only refuses values; what passes is parsed by `schema`, so its types are the pipe's
  return z.pipe(check, schema) as unknown as z.ZodMiniType<z.output<S>, z.input<S>>;
}

const tooDeep = (value: unknown) => (nestedDeeperThan(value, MAX_JSON_DEPTH) ? `nested deeper than ${MAX_JSON_DEPTH} levels` : null);

/** Any JSON value, at most {@link MAX_JSON_DEPTH} levels deep. */
const jsonValue = checkedFirst(jsonValueSchema, tooDeep);

/** A JSON object, at most {@link MAX_JSON_DEPTH} levels deep. */
const jsonObject = checkedFirst(jsonObjectSchema, tooDeep);

/** Metadata: a JSON object within the depth and size limits (D1 merges and indexes it). */
const metadataObject = checkedFirst(jsonObjectSchema, metadataProblem);

/** Body of a start: which workflow, its params, the business object it is about, and metadata. */
export const startRunSchema = z.strictObject({
  /** Workflow name, such as `email_campaign`. */
  workflow: workflowName,
  /** The payload the workflow receives as `event.payload` (with `ref_id`/`ref_type` merged in). */
  params: z.optional(jsonObject),
  ref_id: z.optional(z.nullable(refText)),
  ref_type: z.optional(z.nullable(refText)),
  /** Stored on the run and merged into its workflow's metadata; at most 64 levels and 16 KiB. */
  metadata: z.optional(z.nullable(metadataObject)),
  /** A repeated start with the same key (for the same workflow) returns the first run. */
  idempotency_key: z.optional(text(200)),
  /** The instance id to use; generated when omitted. */
  id: z.optional(instanceId),
});

/** A start request as the client sends it. */
export type StartRunRequest = z.input<typeof startRunSchema>;

/** A start request after validation. */
export type StartRunInput = z.output<typeof startRunSchema>;

/** Body of a batch start. */
export const batchStartSchema = z.strictObject({
  runs: z.array(startRunSchema).check(z.minLength(1, 'at least one run'), z.maxLength(MAX_BATCH_SIZE, `at most ${MAX_BATCH_SIZE} runs`)),
});

/** A batch start request as the client sends it. */
export type BatchStartRequest = z.input<typeof batchStartSchema>;

/** Body of `POST /api/runs/:id/events`: the event a `step.waitForEvent` waits for. */
export const sendEventSchema = z.strictObject({
  type: z.string().check(z.minLength(1, 'required'), z.maxLength(100)),
  payload: z.optional(jsonValue),
});

/** An event as the client sends it. */
export type SendEventRequest = z.input<typeof sendEventSchema>;

/** A time given in a query string: ISO-8601 or epoch milliseconds (see `parseQueryTime`); compared as ISO-8601. */
const queryTime = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const date = parseQueryTime(value);
    if (date === null || Number.isNaN(date.getTime())) {
      return refuse(ctx, `not a time: '${value}' (use ISO-8601, such as 2026-01-31 or 2026-01-31T10:00:00Z, or epoch milliseconds)`);
    }
    return date.toISOString();
  }),
);

/** The filters runs and workflows share (lists and counts). */
const filterFields = {
  workflow: z.optional(workflowName),
  ref_type: z.optional(refText),
  ref_id: z.optional(refText),
  /** Runs: created at or after; workflows: active at or after. */
  since: z.optional(queryTime),
  /** Runs: created before; workflows: last active before. */
  until: z.optional(queryTime),
  metadata_key: z.optional(text(200)),
  metadata_value: z.optional(z.string().check(z.maxLength(1000))),
};

/** The rules between filters: `ref_id` needs `ref_type`; `metadata_key` and `metadata_value` go together. */
const filterRules = z.superRefine((q: { ref_id?: string; ref_type?: string; metadata_key?: string; metadata_value?: string }, ctx) => {
  if (q.ref_id !== undefined && q.ref_type === undefined) {
    ctx.addIssue({ code: 'custom', path: ['ref_type'], message: 'required with ref_id' });
  }
  if ((q.metadata_key === undefined) !== (q.metadata_value === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['metadata_value'], message: 'metadata_key and metadata_value go together' });
  }
});

/** Query string of `GET /api/runs` and `GET /api/workflows`. */
export const listQuerySchema = z
  .strictObject({
    ...filterFields,
    status: z.optional(runStatusSchema),
    cursor: z.optional(text(1000)),
    limit: z.optional(pageLimit),
  })
  .check(filterRules);

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
export const byRefQuerySchema = z.strictObject({
  ref_type: refText,
  ref_id: refText,
  cursor: z.optional(text(1000)),
  limit: z.optional(pageLimit),
});

/** Query string of `GET /api/runs/counts`: the list filters without status, cursor and limit. */
export const countsQuerySchema = z.strictObject(filterFields).check(filterRules);

/** A topic in a body: `"all"`, `{ run_id }`, `{ workflow }` or `{ ref_type, ref_id }`. */
export const topicSchema = z.union([
  z.literal('all'),
  z.strictObject({ run_id: text(200) }),
  z.strictObject({ workflow: text(200) }),
  z.strictObject({ ref_type: text(200), ref_id: text(200) }),
]);

/** Body of `POST /api/tokens`: the topic a subscription token grants and its life. */
export const tokenRequestSchema = z.strictObject({
  topic: z.optional(topicSchema),
  ttl_seconds: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_TOKEN_TTL_SECONDS))),
});

/** A token request as the client sends it. */
export type TokenRequest = z.input<typeof tokenRequestSchema>;
