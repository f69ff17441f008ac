import type { RunStatus } from '../../shared/status.js';
import { DEFAULT_RANGE, isTimeRange, type TimeRange } from '../../ui/insights/ranges.js';

/** Filters of the run list, as in the REST API's query. */
export interface Filters {
  workflow?: string;
  status?: RunStatus;
  ref_type?: string;
  ref_id?: string;
}

/** What the page shows: the run list (with filters), one run, Insights (filters and a time range), or the alerts. */
export type Route = { view: 'list'; filters: Filters } | { view: 'run'; id: string } | { view: 'insights'; filters: Filters; range: TimeRange } | { view: 'alerts' };

const FILTER_KEYS = ['workflow', 'status', 'ref_type', 'ref_id'] as const;

/** Reads the route from the location hash: `#/?status=Running`, `#/runs/<id>`, `#/insights?range=7d`, `#/alerts`. */
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
  if (/^\/insights(\?|$)/.test(path)) {
    const { status: _status, ...insightsFilters } = filters;
    const range = query.get('range');
    return { view: 'insights', filters: insightsFilters, range: isTimeRange(range) ? range : DEFAULT_RANGE };
  }
  return { view: 'list', filters };
}

/** The hash of the run list with these filters. */
export function listHash(filters: Filters): string {
  return `#/${filterQuery(filters)}`;
}

/** The hash of Insights with these filters and time range. */
export function insightsHash(filters: Filters, range: TimeRange = DEFAULT_RANGE): string {
  return `#/insights${filterQuery(filters, range === DEFAULT_RANGE ? {} : { range })}`;
}

function filterQuery(filters: Filters, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) query.set(key, filters[key]!);
  for (const [key, value] of Object.entries(extra)) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The hash of one run. */
export function runHash(id: string): string {
  return `#/runs/${encodeURIComponent(id)}`;
}

/** The hash of the alerts page. */
export const ALERTS_HASH = '#/alerts';
