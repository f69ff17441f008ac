import { readJson, readQuery } from './body.js';
import { param, type ServiceRouter } from './context.js';
import type { ResolvedOptions } from './options.js';
import { ROUTES, type RouteCall, type RouteHandlers, type RouteName, type RouteSpec } from './route-table.js';

/**
 * Registers every route of {@link ROUTES} with its handler. Before a handler runs, the route's
 * query string and JSON body are validated with the route's schemas; a 400 names the route
 * (`POST /api/runs/abc/events`) and the field.
 */
export function registerRoutes(router: ServiceRouter, handlers: RouteHandlers, options: ResolvedOptions): void {
  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const spec: RouteSpec = ROUTES[name];
    const handle = handlers[name] as (call: RouteCall<RouteSpec>) => Response | Promise<Response>;
    const method = spec.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](spec.path, async (request, env, ctx) => {
      const where = `${spec.method} /api${spec.path.replace(/:(\w+)/g, (_, p: string) => param(request, p))}`;
      const query = spec.query ? readQuery(request, spec.query, where) : undefined;
      const body = spec.body ? await readJson(request, spec.body, options.maxBodyBytes, where) : undefined;
      return handle({ request, env, ctx, query, body } as RouteCall<RouteSpec>);
    });
  }
}
