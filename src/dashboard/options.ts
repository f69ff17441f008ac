import { ValidationError } from '../shared/errors.js';

/** Where the built-in dashboard is served. */
export interface DashboardOptions {
  /** Path of the page, such as `/` or `/flows`; its assets are served under it. @default '/' */
  path?: string;
}

/** The dashboard setting of the service: `false` turns the page off. */
export type DashboardSetting = false | DashboardOptions;

/** A dashboard that is on, with its base path (always ending in `/`). */
export interface ResolvedDashboard {
  base: string;
}

/**
 * Checks and normalises the dashboard option. The page may live anywhere except under `/api/`,
 * which belongs to the API.
 * @returns `null` when the dashboard is off
 */
export function resolveDashboard(setting: DashboardSetting | undefined): ResolvedDashboard | null {
  if (setting === false) return null;
  const path = setting?.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new ValidationError(`dashboard.path must be a path starting with '/', such as '/flows' (got ${JSON.stringify(path)}).`);
  }
  const base = path.endsWith('/') ? path : `${path}/`;
  if (base === '/api/' || base.startsWith('/api/')) {
    throw new ValidationError(`dashboard.path '${path}' is under /api/, which the API uses: choose another path.`);
  }
  return { base };
}
