import type { IRequest, RouterType } from 'itty-router';
import type { Caller } from '../shared/access.js';
import type { ResolvedOptions, ServiceEnv } from './options.js';

/** The `env` a route sees: Flowflare's bindings plus the Worker's Workflow bindings. */
export type RouteEnv = ServiceEnv & Record<string, unknown>;

/** The router every route module registers on. */
export type ServiceRouter = RouterType<IRequest, [RouteEnv, ExecutionContext]>;

/** What a route module needs besides the request. */
export interface RouteContext {
  options: ResolvedOptions;
}

/** A JSON response. */
export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status });
}

/** A path parameter, URL-decoded. */
export function param(request: IRequest, name: string): string {
  const raw = request.params[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A request the router has authenticated: it carries its caller. */
interface AuthenticatedRequest {
  caller?: Caller;
}

/** Records who is calling, for the routes that follow. */
export function setCaller(request: IRequest, caller: Caller): void {
  (request as AuthenticatedRequest).caller = caller;
}

/** Who is calling (set by the router's authentication step). */
export function callerOf(request: IRequest): Caller {
  const caller = (request as AuthenticatedRequest).caller;
  if (!caller) throw new Error('callerOf: the request was not authenticated');
  return caller;
}
