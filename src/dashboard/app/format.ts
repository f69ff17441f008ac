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

/** `850 ms`, `4.2 s`, `3 m 05 s`, `2 h 10 m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
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
