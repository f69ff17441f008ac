import { formatDuration } from '../../shared/duration-text.js';

export { formatDuration };

/** Milliseconds since the epoch of an ISO time, or null. */
export function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** `14:03:07`, with the date in front when it is not today. */
export function formatTime(iso: string | null | undefined): string {
  const t = timeOf(iso);
  if (t === null) return '—';
  const date = new Date(t);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}

/** `in 12 s` or `3 m 05 s ago`, from now. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  const t = timeOf(iso);
  if (t === null) return '';
  const delta = t - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** Milliseconds between two ISO times (the second defaults to now). */
export function between(start: string | null | undefined, end: string | null | undefined, now = Date.now()): number | null {
  const a = timeOf(start);
  if (a === null) return null;
  return (timeOf(end) ?? now) - a;
}

/** A value as indented JSON; strings that hold JSON (the seed's helpers store them) are shown parsed. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return JSON.stringify(value);
    }
  }
  return JSON.stringify(value ?? null, null, 2);
}

/** The first characters of a run id, for tables. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
