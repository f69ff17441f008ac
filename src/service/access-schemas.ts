import * as z from 'zod/mini';
import { isoDateTime, pageLimit } from '../shared/schema-fields.js';
import { ROLES } from '../shared/access.js';

const names = z
  .array(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(200)))
  .check(z.minLength(1, 'at least one'), z.maxLength(50, 'at most 50'));

/** Body of `POST /api/keys`: who holds the key, what it may do and see, and until when. */
export const createKeySchema = z.strictObject({
  /** Who or what holds the key, such as `support` or `billing-app`. */
  name: z.string().check(z.minLength(1, 'required'), z.maxLength(100)),
  role: z.enum(ROLES as [string, ...string[]]),
  /** Omitted: every run. */
  scopes: z.optional(z.strictObject({ workflows: z.optional(names), ref_types: z.optional(names) })),
  /** ISO-8601 time after which the key stops working. */
  expires_at: z.optional(isoDateTime('an ISO-8601 time, such as 2027-01-31T00:00:00Z')),
});

/** A key request as the client sends it. */
export type CreateKeyRequest = z.input<typeof createKeySchema>;

/** Query string of `GET /api/audit`. */
export const auditQuerySchema = z.strictObject({
  run_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  action: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
  /** `next_cursor` of the previous page. */
  cursor: z.optional(z.string().check(z.regex(/^\d+$/, 'the next_cursor of a previous page'))),
  limit: z.optional(pageLimit),
});
