import { fetchStaticAsset, staticAssets } from '../service/static-assets.js';
import { assetsProblem } from '../shared/static-assets.js';
import { dashboardHeaders } from './headers.js';
import { notConfiguredPage } from './not-configured.js';
import type { ResolvedDashboard } from './options.js';

/** A file of the dashboard: where it is in the static folder, and its Content-Type. */
interface DashboardFile {
  asset: string;
  type: string;
}

const PAGE: DashboardFile = { asset: '/', type: 'text/html; charset=utf-8' };

/**
 * The dashboard's files, by path below its base. Only these are fetched from the static folder:
 * nothing else in it (the OpenAPI document) is reachable through the dashboard's paths. The page is
 * fetched as `/`, which Static Assets answers with index.html (`/index.html` it redirects to `/`).
 */
const FILES: Record<string, DashboardFile> = {
  '': PAGE,
  'index.html': PAGE,
  'assets/dashboard.js': { asset: '/assets/dashboard.js', type: 'text/javascript; charset=utf-8' },
  'assets/dashboard.css': { asset: '/assets/dashboard.css', type: 'text/css; charset=utf-8' },
};

/**
 * Serves the built-in dashboard's page and assets, which need no key (every API call the page
 * makes does). Answers only `GET` and `HEAD` for its own paths. The files come from the Workers
 * Static Assets binding `assetsBinding` (the package's static folder), with the dashboard's own
 * headers and the binding's ETag (an unchanged file is a 304); without the binding, a 503 page says
 * what to add to wrangler.toml.
 * @returns the response, or `null` for any other request (it goes on to the API)
 */
export async function serveDashboard(request: Request, env: object, dashboard: ResolvedDashboard, assetsBinding: string): Promise<Response | null> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return null;
  const url = new URL(request.url);
  // `/flows` → `/flows/`, so that the page's relative asset paths resolve under it
  if (dashboard.base !== '/' && url.pathname === dashboard.base.slice(0, -1)) {
    return new Response(null, { status: 308, headers: { Location: `${dashboard.base}${url.search}` } });
  }
  if (!url.pathname.startsWith(dashboard.base)) return null;
  const file = FILES[url.pathname.slice(dashboard.base.length)];
  if (!file) return null;
  const assets = staticAssets(env, assetsBinding);
  if (!assets) return notConfiguredPage(request, assetsBinding, assetsProblem(assetsBinding, 'the dashboard'));
  const answer = await fetchStaticAsset(assets, file.asset, request);
  if (answer.status !== 200 && answer.status !== 304) {
    await answer.body?.cancel();
    return notConfiguredPage(request, assetsBinding, assetsProblem(assetsBinding, 'the dashboard', file.asset === '/' ? '/index.html' : file.asset));
  }
  const headers = dashboardHeaders(url, file.type, answer.headers.get('ETag'));
  return new Response(request.method === 'HEAD' || answer.status === 304 ? null : answer.body, { status: answer.status, headers });
}
