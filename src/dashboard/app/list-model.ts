import type { RunRecord } from '../../shared/types.js';
import type { Filters } from './routes.js';

/** True when a run belongs in the list under these filters. */
export function matchesFilters(run: RunRecord, filters: Filters): boolean {
  if (filters.workflow && run.workflow_name !== filters.workflow) return false;
  if (filters.status && run.status !== filters.status) return false;
  if (filters.ref_type && run.ref_type !== filters.ref_type) return false;
  if (filters.ref_id && run.ref_id !== filters.ref_id) return false;
  return true;
}

/** Newest first, as the API lists runs (created_at, then id). */
export function newerFirst(a: RunRecord, b: RunRecord): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Applies a live change of a run to the loaded rows: updates it in place, adds it when it is new
 * and falls within what is loaded, drops it when it no longer matches the filters. A run older
 * than the last loaded row is left for paging to bring.
 * @param complete true when every matching run is loaded (no next page)
 */
export function applyRunChange(rows: readonly RunRecord[], run: RunRecord, filters: Filters, complete: boolean): RunRecord[] {
  const index = rows.findIndex((r) => r.id === run.id);
  if (!matchesFilters(run, filters)) return index >= 0 ? rows.filter((r) => r.id !== run.id) : [...rows];
  if (index >= 0) {
    // events carry no input_params: keep what was loaded
    return rows.map((r, i) => (i === index ? { ...r, ...run, input_params: r.input_params } : r));
  }
  const last = rows.at(-1);
  if (!complete && last && newerFirst(run, last) > 0) return [...rows];
  return [...rows, run].sort(newerFirst);
}

/** Appends a page, leaving out rows already there (a live change may have brought them). */
export function appendPage<T extends { id: string }>(rows: readonly T[], page: readonly T[]): T[] {
  const seen = new Set(rows.map((r) => r.id));
  return [...rows, ...page.filter((r) => !seen.has(r.id))];
}
