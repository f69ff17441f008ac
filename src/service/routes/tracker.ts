import { SUBPROTOCOL } from '../../browser/protocol.js';
import { topicFromQuery, topicKey } from '../../live/topics.js';
import { FlowflareError, ValidationError } from '../../shared/errors.js';
import { TRACKER_HEADERS } from '../../live/headers.js';
import type { WorkflowTracker } from '../../live/workflow-tracker.js';
import type { RouteContext } from '../context.js';
import type { RouteHandlers } from '../route-table.js';
import { authenticateSocket } from '../socket-auth.js';

const TRACKER_PATH = '/tracker-websocket';

/** True for a request to the WebSocket route, which authenticates itself (key or token). */
export function isTrackerSocket(request: Request): boolean {
  return request.method === 'GET' && new URL(request.url).pathname === `/api${TRACKER_PATH}`;
}

/**
 * `GET /api/tracker-websocket`: hands an authenticated upgrade to the `WorkflowTracker` object of
 * its topic (`run_id`, `workflow`, or `ref_type` + `ref_id` in the query; none means everything),
 * resuming after `since` when given.
 */
export function trackerHandlers({ options }: RouteContext): Pick<RouteHandlers, 'trackerSocket'> {
  return {
  trackerSocket: async ({ request, env }) => {
    const ns = env.WORKFLOW_TRACKER as DurableObjectNamespace<WorkflowTracker> | undefined;
    if (!ns || typeof ns.idFromName !== 'function') {
      throw new FlowflareError(
        'NOT_CONFIGURED',
        'WebSockets need the WorkflowTracker Durable Object bound as WORKFLOW_TRACKER in the service Worker.',
        { status: 503 },
      );
    }
    const params = new URL(request.url).searchParams;
    const topic = topicFromQuery(params);
    const key = topicKey(topic);
    // Credentials first, so that a plain GET tells a client why its socket would be refused.
    const expires = await authenticateSocket(request, env, options, topic, key);
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      throw new FlowflareError('UPGRADE_REQUIRED', 'Expected a WebSocket upgrade (Upgrade: websocket).', { status: 426 });
    }
    const headers = new Headers(request.headers);
    for (const name of Object.values(TRACKER_HEADERS)) headers.delete(name);
    headers.set(TRACKER_HEADERS.topic, key);
    if (expires !== null) headers.set(TRACKER_HEADERS.expires, String(expires));
    // Browsers that offer the `flowflare` sub-protocol need it echoed, or they drop the socket.
    const offered = request.headers.get('Sec-WebSocket-Protocol')?.split(',').map((p) => p.trim()) ?? [];
    if (offered.includes(SUBPROTOCOL)) headers.set(TRACKER_HEADERS.protocol, SUBPROTOCOL);
    const since = params.get('since');
    if (since !== null) {
      if (!/^\d+$/.test(since)) throw new ValidationError('since: an event id (a whole number)', 'BAD_REQUEST');
      headers.set(TRACKER_HEADERS.since, since);
    }
    return ns.get(ns.idFromName(key)).fetch(new Request(request.url, { headers }));
  },
  };
}
