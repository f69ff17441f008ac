import * as z from 'zod/mini';
import { MAX_PAGE_SIZE } from './page-size.js';

/** A query string's `limit`: a whole number from 1 to {@link MAX_PAGE_SIZE}. */
export const pageLimit = z.pipe(
  z.pipe(z.string().check(z.regex(/^\d+$/, 'a whole number')), z.transform(Number)),
  z.number().check(z.int(), z.minimum(1, 'at least 1'), z.maximum(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE}`)),
);

/**
 * An ISO-8601 date-time with seconds and a `Z` or an offset, such as `2027-01-31T00:00:00Z`, that
 * is a real time (not February 30th); `error` says what was expected.
 */
export function isoDateTime(error: string) {
  // the pattern is what the OpenAPI document shows; a text past it is refused by it alone
  return z.string().check(z.regex(ISO_DATE_TIME, error), z.refine((value) => !ISO_DATE_TIME.test(value) || isRealTime(value), error));
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

function isRealTime(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Date.parse takes February 30th as March 2nd; the calendar date must be the one written
  return !Number.isNaN(Date.parse(value)) && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
