import { SUBPROTOCOL } from '../../browser/protocol.js';
import { topicFromQuery, topicKey } from '../../realtime/topics.js';
import { FlowflareError, ValidationError } from '../../shared/errors.js';
import { TRACKER_HEADERS } from '../../tracker/headers.js';
import type { WorkflowTracker } from '../../tracker/workflow-tracker.js';
import type { RouteContext, ServiceRouter } from '../context.js';

/**
 * `GET /api/tracker-websocket`: hands an authenticated upgrade to the `WorkflowTracker` object of
 * its topic (`run_id`, `workflow`, or `ref_type` + `ref_id` in the query; none means everything),
 * resuming after `since` when given.
 */
export function trackerRoutes(router: ServiceRouter, _context: RouteContext): void {
  router.get('/tracker-websocket', (request, env) => {
    const ns = env.WORKFLOW_TRACKER as DurableObjectNamespace<WorkflowTracker> | undefined;
    if (!ns || typeof ns.idFromName !== 'function') {
      throw new FlowflareError(
        'NOT_CONFIGURED',
        'WebSockets need the WorkflowTracker Durable Object bound as WORKFLOW_TRACKER in the service Worker.',
        { status: 503 },
      );
    }
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      throw new FlowflareError('UPGRADE_REQUIRED', 'Expected a WebSocket upgrade (Upgrade: websocket).', { status: 426 });
    }
    const params = new URL(request.url).searchParams;
    const key = topicKey(topicFromQuery(params));
    const headers = new Headers(request.headers);
    headers.set(TRACKER_HEADERS.topic, key);
    // Browsers that offer the `flowflare` sub-protocol need it echoed, or they drop the socket.
    const offered = request.headers.get('Sec-WebSocket-Protocol')?.split(',').map((p) => p.trim()) ?? [];
    if (offered.includes(SUBPROTOCOL)) headers.set(TRACKER_HEADERS.protocol, SUBPROTOCOL);
    const since = params.get('since');
    if (since !== null) {
      if (!/^\d+$/.test(since)) throw new ValidationError('since: an event id (a whole number)', 'BAD_REQUEST');
      headers.set(TRACKER_HEADERS.since, since);
    }
    return ns.get(ns.idFromName(key)).fetch(new Request(request.url, { headers }));
  });
}
