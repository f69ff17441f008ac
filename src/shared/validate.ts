import { safeParse, type $ZodType, type output } from 'zod/v4/core';
import { ValidationError } from './errors.js';

/**
 * Parses `value` with a zod (or `zod/mini`) schema, or throws a {@link ValidationError} whose message names each
 * offending field (`status: …`, `unknown field 'foo'`).
 * @param where prefix of the message, such as the function or route that was called
 */
export function parseWith<S extends $ZodType>(schema: S, value: unknown, where: string): output<S> {
  const result = safeParse(schema, value);
  if (result.success) return result.data;
  const unknown = result.error.issues.find((i) => i.code === 'unrecognized_keys');
  const parts = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return `${prefix}unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`;
    }
    const path = issue.path.length > 0 ? issue.path.join('.') : 'value';
    return `${path}: ${issue.message}`;
  });
  throw new ValidationError(`${where}: ${parts.join('; ')}`, unknown ? 'UNKNOWN_FIELD' : 'VALIDATION_FAILED');
}
