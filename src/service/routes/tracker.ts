import { FlowflareError } from '../../shared/errors.js';
import type { RouteContext, ServiceRouter } from '../context.js';
import { trackerStub } from '../publish.js';

/** `GET /api/tracker-websocket`: hands the upgrade to the `WorkflowTracker` Durable Object. */
export function trackerRoutes(router: ServiceRouter, _context: RouteContext): void {
  router.get('/tracker-websocket', (request, env) => {
    const stub = trackerStub(env);
    if (!stub) {
      throw new FlowflareError(
        'NOT_CONFIGURED',
        'WebSockets need the WorkflowTracker Durable Object bound as WORKFLOW_TRACKER in the service Worker.',
        { status: 503 },
      );
    }
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      throw new FlowflareError('UPGRADE_REQUIRED', 'Expected a WebSocket upgrade (Upgrade: websocket).', { status: 426 });
    }
    return stub.fetch(request);
  });
}
