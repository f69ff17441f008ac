import type { EventRef } from '../db/rows.js';
import { publisherFor } from '../realtime/publish.js';
import type { ServiceEnv } from './options.js';

/**
 * Pushes the events a service write appended (a start, a control action) to the live topics they
 * belong to, after the response: a failed push never fails the request, and subscribers catch up
 * from the event log on the next event or reconnect.
 */
export function publishEvents(env: ServiceEnv, ctx: ExecutionContext, events: EventRef[]): void {
  const sink = publisherFor(env);
  if (!sink || events.length === 0) return;
  ctx.waitUntil(
    Promise.resolve(sink(events)).catch((error: unknown) => {
      console.error('[flowflare] publishing events to WorkflowTracker failed:', error);
    }),
  );
}
