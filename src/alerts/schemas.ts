import * as z from 'zod/mini';
import { isoDateTime, pageLimit } from '../shared/schema-fields.js';
import { ALERT_KINDS, ALERT_STATES } from '../shared/alerts.js';

const text = (max: number) => z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(max, `at most ${max} characters`));
const httpsUrl = z.string().check(z.maxLength(2000), z.refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), 'an http(s) URL'));
const duration = text(50);

/** Which runs a rule looks at. */
const scopeSchema = z.strictObject({
  workflow: z.optional(text(200)),
  ref_type: z.optional(text(500)),
  metadata_key: z.optional(text(200)),
  metadata_value: z.optional(text(500)),
});

/** Where a rule's notifications go. */
const destinationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('webhook'), url: httpsUrl }),
  z.strictObject({ type: z.literal('slack'), url: httpsUrl }),
  z.strictObject({ type: z.literal('email'), to: z.string().check(z.maxLength(320), z.regex(/^[^\s@]+@[^\s@]+$/, 'an email address')) }),
]);

/**
 * An alert rule as given to `POST /api/alerts/rules` (and in the service options). Which fields a
 * kind needs is checked after this, by `normaliseRule`, naming the field.
 */
export const alertRuleInputSchema = z.strictObject({
  name: text(100),
  kind: z.enum(ALERT_KINDS),
  scope: z.optional(scopeSchema),
  statuses: z.optional(z.array(z.enum(['Errored', 'Terminated'])).check(z.minLength(1, 'at least one'))),
  status: z.optional(z.enum(['Queued', 'Running', 'Waiting', 'Sleeping'])),
  after: z.optional(duration),
  retries: z.optional(z.int().check(z.minimum(0, 'zero or more'), z.maximum(10_000))),
  threshold: z.optional(z.number().check(z.minimum(0, 'zero or more'))),
  window: z.optional(duration),
  min_runs: z.optional(z.int().check(z.minimum(1, 'at least 1'), z.maximum(1_000_000))),
  destinations: z.array(destinationSchema).check(z.minLength(1, 'at least one'), z.maxLength(10, 'at most 10')),
  cooldown: z.optional(duration),
});

/** Body of `PATCH /api/alerts/rules/:id`. */
export const muteRuleSchema = z.strictObject({
  muted_until: z.nullable(isoDateTime('an ISO-8601 time, such as 2027-01-31T00:00:00Z, or null')),
});

/** Query string of `GET /api/alerts`. */
export const alertListQuerySchema = z.strictObject({
  rule_id: z.optional(text(200)),
  run_id: z.optional(text(200)),
  state: z.optional(z.enum(ALERT_STATES)),
  cursor: z.optional(text(500)),
  limit: z.optional(pageLimit),
});
