import type { RunStatus } from '../../shared/status.js';

/** Filters of the run list, as in the REST API's query. */
export interface Filters {
  workflow?: string;
  status?: RunStatus;
  ref_type?: string;
  ref_id?: string;
}

/** What the page shows: the run list (with filters), one run, or the alerts. */
export type Route = { view: 'list'; filters: Filters } | { view: 'run'; id: string } | { view: 'alerts' };

const FILTER_KEYS = ['workflow', 'status', 'ref_type', 'ref_id'] as const;

/** Reads the route from the location hash: `#/?status=Running`, `#/runs/<id>`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const run = /^\/runs\/([^/?]+)/.exec(path);
  if (run) return { view: 'run', id: decodeURIComponent(run[1]!) };
  if (/^\/alerts\/?(\?|$)/.test(path)) return { view: 'alerts' };
  const query = new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key)?.trim();
    if (value) (filters as Record<string, string>)[key] = value;
  }
  return { view: 'list', filters };
}

/** The hash of the run list with these filters. */
export function listHash(filters: Filters): string {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) query.set(key, filters[key]!);
  const text = query.toString();
  return text ? `#/?${text}` : '#/';
}

/** The hash of one run. */
export function runHash(id: string): string {
  return `#/runs/${encodeURIComponent(id)}`;
}

/** The hash of the alerts page. */
export const ALERTS_HASH = '#/alerts';
