import { assetsSection } from '../shared/static-assets.js';
import { dashboardHeaders } from './headers.js';

/** Escapes text for HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The 503 page the dashboard's paths answer when the service cannot reach the dashboard's files:
 * what is wrong, and the `[assets]` section to put in wrangler.toml. Short and self-contained (no
 * script, no style), under the dashboard's headers; never cached.
 * @param binding the name of the Static Assets binding the service reads
 * @param problem the sentence that says what is wrong (from `assetsProblem`)
 */
export function notConfiguredPage(request: Request, binding: string, problem: string): Response {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flowflare: dashboard not configured</title></head><body>' +
    `<h1>The Flowflare dashboard is not configured</h1><p>${escapeHtml(problem)}</p>` +
    `<p>The service's wrangler.toml needs:</p><pre>${escapeHtml(assetsSection(binding))}</pre>` +
    '<p>then run <code>npx wrangler dev</code> or <code>npx wrangler deploy</code> again.</p></body></html>';
  const headers = dashboardHeaders(new URL(request.url), 'text/html; charset=utf-8', null);
  headers.set('Cache-Control', 'no-store');
  return new Response(request.method === 'HEAD' ? null : html, { status: 503, headers });
}
