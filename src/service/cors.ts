import { FlowflareError } from '../shared/errors.js';
import type { ResolvedOptions } from './options.js';

const ALLOWED_HEADERS = 'Authorization, X-API-Key, Content-Type, X-Flowflare-Bookmark';
const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';

/**
 * True when a request may come from its `Origin`: no Origin (a Worker or server), the service's own
 * origin, or one listed in `allowedOrigins` (`'*'` lists all).
 */
export function originAllowed(request: Request, options: ResolvedOptions): boolean {
  const origin = request.headers.get('Origin');
  if (origin === null) return true;
  if (origin === new URL(request.url).origin) return true;
  return options.allowedOrigins.includes('*') || options.allowedOrigins.includes(origin);
}

/** Refuses a request from an origin that is not allowed (HTTP 403). */
export function assertOriginAllowed(request: Request, options: ResolvedOptions): void {
  if (!originAllowed(request, options)) {
    throw new FlowflareError('FORBIDDEN', `Origin ${request.headers.get('Origin')} is not allowed.`, { status: 403 });
  }
}

/** The answer to a CORS preflight (`OPTIONS`) from an allowed origin. */
export function preflightResponse(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'Access-Control-Allow-Methods': ALLOWED_METHODS,
      'Access-Control-Allow-Headers': ALLOWED_HEADERS,
      'Access-Control-Max-Age': '600',
    },
  });
}

/**
 * Adds the CORS headers to a response: `Vary: Origin` always (the answer depends on it), and the
 * allow headers only for an allowed origin that sent one.
 */
export function withCors(response: Response, request: Request, options: ResolvedOptions): Response {
  // A WebSocket upgrade's headers cannot change; browsers do not apply CORS to WebSockets.
  if (response.status === 101) return response;
  const out = new Response(response.body, response);
  out.headers.append('Vary', 'Origin');
  const origin = request.headers.get('Origin');
  if (origin !== null && originAllowed(request, options)) {
    out.headers.set('Access-Control-Allow-Origin', origin);
    out.headers.set('Access-Control-Expose-Headers', 'Content-Type, X-Flowflare-Bookmark');
  }
  return out;
}
