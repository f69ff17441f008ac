import { OPENAPI_JSON } from '../openapi.generated.js';
import type { RouteHandlers } from '../route-table.js';

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of the API, generated at build time from the
 * route table and its schemas (`npm run build:openapi`), so the Worker carries it as text and never
 * converts schemas at run time.
 */
export function openApiHandlers(): Pick<RouteHandlers, 'openApi'> {
  return {
    openApi: () => new Response(OPENAPI_JSON, { headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' } }),
  };
}
