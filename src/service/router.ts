import { Router, type IRequest } from 'itty-router';
import { NotFoundError } from '../shared/errors.js';
import { requireRole } from './access.js';
import { authenticate } from './auth.js';
import { setCaller, type RouteEnv, type ServiceRouter } from './context.js';
import { assertOriginAllowed, preflightResponse, withCors } from './cors.js';
import { errorResponse } from './error-handler.js';
import type { ResolvedOptions } from './options.js';
import { requiredPermission } from './permissions.js';
import { registerRoutes } from './register-routes.js';
import { alertHandlers } from './routes/alerts.js';
import { controlHandlers } from './routes/control.js';
import { exportHandlers } from './routes/export.js';
import { keyHandlers } from './routes/keys.js';
import { metricsHandlers } from './routes/metrics.js';
import { openApiHandlers } from './routes/openapi.js';
import { runHandlers } from './routes/runs.js';
import { startHandlers } from './routes/start.js';
import { isTrackerSocket, trackerHandlers } from './routes/tracker.js';
import { tokenHandlers } from './routes/tokens.js';
import { workflowHandlers } from './routes/workflows.js';

/**
 * Builds the service's one router. Every request passes, in order: the origin check, the CORS
 * preflight, authentication; then its route; errors go to the central handler; CORS headers are
 * added last, so error responses carry them too. The routes are those of `ROUTES` (route-table.ts).
 */
export function createRouter(options: ResolvedOptions): ServiceRouter {
  const router: ServiceRouter = Router<IRequest, [RouteEnv, ExecutionContext]>({
    base: '/api',
    before: [
      async (request, env, ctx) => {
        assertOriginAllowed(request, options);
        if (request.method === 'OPTIONS') return preflightResponse();
        // The WebSocket route authenticates itself: it also takes subscription tokens.
        if (isTrackerSocket(request)) return undefined;
        const caller = await authenticate(request, env, options, ctx);
        const permission = requiredPermission(request.method, new URL(request.url).pathname.replace(/^\/api/, ''));
        requireRole(caller, permission.role, permission.what);
        setCaller(request, caller);
        return undefined;
      },
    ],
    catch: (error) => errorResponse(error),
    finally: [
      (response: Response | undefined, request) => {
        const out = response ?? errorResponse(new NotFoundError(`No route ${request.method} ${new URL(request.url).pathname}.`));
        return withCors(out, request, options);
      },
    ],
  });
  const context = { options };
  // every route of the table (route-table.ts), each with its handler: the OpenAPI document lists the same
  registerRoutes(
    router,
    {
      ...startHandlers(context),
      ...runHandlers(context),
      ...workflowHandlers(context),
      ...controlHandlers(context),
      ...trackerHandlers(context),
      ...tokenHandlers(),
      ...keyHandlers(),
      ...exportHandlers(),
      ...metricsHandlers(context),
      ...alertHandlers(context),
      ...openApiHandlers(context),
    },
    options,
  );
  return router;
}
