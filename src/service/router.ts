import { Router, type IRequest } from 'itty-router';
import { NotFoundError } from '../shared/errors.js';
import { requireRole } from './access.js';
import { authenticate } from './auth.js';
import { setCaller, type RouteEnv, type ServiceRouter } from './context.js';
import { assertOriginAllowed, preflightResponse, withCors } from './cors.js';
import { errorResponse } from './error-handler.js';
import type { ResolvedOptions } from './options.js';
import { requiredPermission } from './permissions.js';
import { alertRoutes } from './routes/alerts.js';
import { controlRoutes } from './routes/control.js';
import { runRoutes } from './routes/runs.js';
import { startRoutes } from './routes/start.js';
import { isTrackerSocket, trackerRoutes } from './routes/tracker.js';
import { exportRoutes } from './routes/export.js';
import { keyRoutes } from './routes/keys.js';
import { tokenRoutes } from './routes/tokens.js';
import { workflowRoutes } from './routes/workflows.js';

/**
 * Builds the service's one router. Every request passes, in order: the origin check, the CORS
 * preflight, authentication; then its route; errors go to the central handler; CORS headers are
 * added last, so error responses carry them too.
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
  startRoutes(router, context);
  runRoutes(router, context);
  workflowRoutes(router, context);
  controlRoutes(router, context);
  trackerRoutes(router, context);
  tokenRoutes(router, context);
  keyRoutes(router, context);
  exportRoutes(router, context);
  alertRoutes(router, context);
  return router;
}
