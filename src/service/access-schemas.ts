import { z } from 'zod';
import { ROLES } from '../shared/access.js';

const names = z.array(z.string().min(1, 'must not be empty').max(200)).min(1, 'at least one').max(50, 'at most 50');

/** Body of `POST /api/keys`: who holds the key, what it may do and see, and until when. */
export const createKeySchema = z
  .object({
    /** Who or what holds the key, such as `support` or `billing-app`. */
    name: z.string().min(1, 'required').max(100),
    role: z.enum(ROLES as [string, ...string[]]),
    /** Omitted: every run. */
    scopes: z.object({ workflows: names.optional(), ref_types: names.optional() }).strict().optional(),
    /** ISO-8601 time after which the key stops working. */
    expires_at: z.iso.datetime({ offset: true, message: 'an ISO-8601 time, such as 2027-01-31T00:00:00Z' }).optional(),
  })
  .strict();

/** A key request as the client sends it. */
export type CreateKeyRequest = z.input<typeof createKeySchema>;

/** Query string of `GET /api/audit`. */
export const auditQuerySchema = z
  .object({
    run_id: z.string().min(1).max(200).optional(),
    action: z.string().min(1).max(50).optional(),
    /** `next_cursor` of the previous page. */
    cursor: z.string().regex(/^\d+$/, 'the next_cursor of a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();
