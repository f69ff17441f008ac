import { OPENAPI_ASSET } from '../../shared/static-assets.js';
import { assetsNotConfigured, fetchStaticAsset, staticAssets } from '../static-assets.js';
import type { RouteContext } from '../context.js';
import type { RouteHandlers } from '../route-table.js';

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of the API, generated at build time from the
 * route table and its schemas (`npm run build:openapi`) into the package's static folder. The
 * Worker fetches it from its Static Assets binding once the key is checked, so the document is not
 * part of the Worker's bundle; it carries the file's `ETag`, and a revalidation of the same
 * document is a 304. Without the binding: a 503 `NOT_CONFIGURED` saying what to add.
 */
export function openApiHandlers({ options }: RouteContext): Pick<RouteHandlers, 'openApi'> {
  const what = 'the OpenAPI document';
  return {
    openApi: async ({ request, env }) => {
      const assets = staticAssets(env, options.assetsBinding);
      if (!assets) throw assetsNotConfigured(options.assetsBinding, what);
      const answer = await fetchStaticAsset(assets, OPENAPI_ASSET, request);
      const etag = answer.headers.get('ETag');
      const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', ...(etag ? { ETag: etag } : {}) };
      // a client that has the document revalidates it with If-None-Match
      if (answer.status === 304) return new Response(null, { status: 304, headers });
      if (!answer.ok) {
        await answer.body?.cancel();
        throw assetsNotConfigured(options.assetsBinding, what, OPENAPI_ASSET);
      }
      return new Response(answer.body, { headers });
    },
  };
}
