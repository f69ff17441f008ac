import type { AlertRecord } from '../../shared/alerts.js';
import type { EventRecord } from '../../shared/types.js';

/** Newest first, as the API lists alerts (fired_at, then id). */
export function newerAlertFirst(a: AlertRecord, b: AlertRecord): number {
  if (a.fired_at !== b.fired_at) return a.fired_at < b.fired_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The alert an `alert` event carries, or null for any other event. */
export function alertOf(event: EventRecord): AlertRecord | null {
  return event.kind === 'alert' ? (event.data as unknown as AlertRecord) : null;
}

/**
 * Applies a live alert to the loaded ones: replaces it when it is there (its state moved on), adds
 * it when it is new and falls within what is loaded. An alert older than the last loaded one is
 * left for paging to bring.
 * @param complete true when every alert is loaded (no next page)
 */
export function applyAlertChange(alerts: readonly AlertRecord[], alert: AlertRecord, complete: boolean): AlertRecord[] {
  if (alerts.some((a) => a.id === alert.id)) return alerts.map((a) => (a.id === alert.id ? alert : a));
  const last = alerts.at(-1);
  if (!complete && last && newerAlertFirst(alert, last) > 0) return [...alerts];
  return [...alerts, alert].sort(newerAlertFirst);
}

/** Number of alerts per run, for the badges on runs. */
export function alertsByRun(alerts: readonly AlertRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of alerts) if (a.run_id) counts.set(a.run_id, (counts.get(a.run_id) ?? 0) + 1);
  return counts;
}
