import { DASHBOARD_ASSETS, type DashboardAsset } from './assets.generated.js';
import { dashboardHeaders } from './headers.js';
import type { ResolvedDashboard } from './options.js';

/** Files of the dashboard, by path below its base. */
const FILES: Record<string, DashboardAsset> = {
  '': DASHBOARD_ASSETS.html,
  'index.html': DASHBOARD_ASSETS.html,
  'assets/dashboard.js': DASHBOARD_ASSETS.js,
  'assets/dashboard.css': DASHBOARD_ASSETS.css,
};

/**
 * Serves the built-in dashboard's page and assets, which need no key (every API call the page
 * makes does). Answers only `GET` and `HEAD` for its own paths.
 * @returns the response, or `null` for any other request (it goes on to the API)
 */
export function serveDashboard(request: Request, dashboard: ResolvedDashboard): Response | null {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const url = new URL(request.url);
  // `/flows` → `/flows/`, so that the page's relative asset paths resolve under it
  if (dashboard.base !== '/' && url.pathname === dashboard.base.slice(0, -1)) {
    return new Response(null, { status: 308, headers: { Location: `${dashboard.base}${url.search}` } });
  }
  if (!url.pathname.startsWith(dashboard.base)) return null;
  const file = FILES[url.pathname.slice(dashboard.base.length)];
  if (!file) return null;
  const headers = dashboardHeaders(url, file.type, file.etag);
  if (request.headers.get('If-None-Match') === file.etag) return new Response(null, { status: 304, headers });
  return new Response(request.method === 'HEAD' ? null : file.body, { status: 200, headers });
}
