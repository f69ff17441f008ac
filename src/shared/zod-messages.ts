import type * as z from 'zod/mini';

/** How a size is counted, by what is measured. */
const UNITS: Record<string, string> = { string: 'character', array: 'item', set: 'item', map: 'entry', file: 'byte' };

/** `3 items`, `1 item`, `2 entries`. */
function count(n: unknown, unit: string): string {
  return `${String(n)} ${n === 1 ? unit : unit === 'entry' ? 'entries' : `${unit}s`}`;
}

/** A value as a message shows it: strings quoted, other primitives as they print. */
function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : typeof value === 'bigint' ? `${value}n` : String(value);
}

/** The type of a value as a message names it. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' && Number.isNaN(value) ? 'NaN' : typeof value;
}

/**
 * zod's issues in short English (`expected string, received number`, `must have at most 100 items`),
 * the messages of Flowflare's validation errors. Smaller than zod's English locale, which the
 * service Worker would otherwise carry whole.
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, received ${typeOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${show(issue.values[0])}` : `expected one of ${issue.values.map(show).join(' | ')}`;
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = big ? issue.maximum : issue.minimum;
      const relation = issue.exact ? 'exactly' : issue.inclusive ? (big ? 'at most' : 'at least') : big ? 'less than' : 'more than';
      const unit = UNITS[issue.origin ?? ''];
      return unit ? `must have ${relation} ${count(bound, unit)}` : `must be ${relation} ${String(bound)}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' ? `must match ${(issue as { pattern?: string }).pattern}` : `must be a valid ${issue.format === 'datetime' ? 'ISO datetime' : issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    default:
      return 'invalid value';
  }
}
