import type { EventRef } from '../store/rows.js';
import { publisherFor, publishSafely } from '../live/publish.js';
import type { ServiceEnv } from './options.js';

/**
 * Pushes the events a service write appended (a start, a control action) to the live topics they
 * belong to, after the response: a failed push never fails the request, and subscribers catch up
 * from the event log on the next event or reconnect.
 */
export function publishEvents(env: ServiceEnv, ctx: ExecutionContext, events: EventRef[]): void {
  if (events.length > 0) ctx.waitUntil(publishSafely(publisherFor(env), events));
}
