/** `2026-01-31`, `2026-01-31T10:00`, `…T10:00:00`, `…T10:00:00.123`, each with `Z`, `+02:00` or no offset (UTC). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Reads a time given in a query string: an ISO-8601 date or date-time (without an offset it is
 * UTC), or epoch milliseconds (digits only). Anything else, such as `$1`, `tomorrow` or
 * `2026-02-31`, is `null`: no lenient guess of what the text might mean.
 */
export function parseQueryTime(value: string): Date | null {
  if (/^\d{1,15}$/.test(value)) return new Date(Number(value));
  const m = ISO_8601.exec(value);
  if (!m) return null;
  const fields = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0));
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields;
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 2026-02-31 over into March and 24:00 into the next day: such text is no time
  const read = [utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds()];
  if (read.some((v, i) => v !== fields[i])) return null;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  return new Date(utc.getTime() + millis - offsetMinutes(m[8]) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}
