import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { issueMessage } from './zod-messages.js';

/**
 * Any zod 4 schema: Flowflare's own (`zod/mini`) and users' (`zod` or `zod/mini`) alike.
 */
export type AnySchema = z.core.$ZodType;

/**
 * Parses `value` with a zod schema, or throws a {@link ValidationError} whose message names each
 * offending field (`status: …`, `unknown field 'foo'`).
 * @param where prefix of the message, such as the function or route that was called
 */
export function parseWith<S extends AnySchema>(schema: S, value: unknown, where: string): z.output<S> {
  const result = z.safeParse(schema, value, { error: issueMessage });
  if (result.success) return result.data;
  const unknown = result.error.issues.find((i) => i.code === 'unrecognized_keys');
  const parts = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${prefix}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    }
    const path = issue.path.length > 0 ? issue.path.join('.') : 'value';
    return `${path}: ${issue.message}`;
  });
  throw new ValidationError(`${where}: ${parts.join('; ')}`, unknown ? 'UNKNOWN_FIELD' : 'VALIDATION_FAILED');
}

/**
 * Refuses the value inside a `z.transform` (whose context in `zod/mini` has no `addIssue`): the
 * message becomes the field's in the 400.
 * @returns `z.NEVER`, for the transform to return
 */
export function refuse(ctx: z.core.ParsePayload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
  return z.NEVER;
}
