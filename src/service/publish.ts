import type { EventRow } from '../db/rows.js';
import { toEvent } from '../db/rows.js';
import type { ServiceEnv } from './options.js';
import type { WorkflowTracker } from '../tracker/workflow-tracker.js';

/** Name of the one tracker object the service publishes to. */
export const TRACKER_NAME = 'all';

/** The tracker stub, when the Worker binds `WORKFLOW_TRACKER`. */
export function trackerStub(env: ServiceEnv): DurableObjectStub<WorkflowTracker> | null {
  const ns = env.WORKFLOW_TRACKER as DurableObjectNamespace<WorkflowTracker> | undefined;
  if (!ns || typeof ns.idFromName !== 'function') return null;
  return ns.get(ns.idFromName(TRACKER_NAME));
}

/**
 * Pushes the events a service write appended to connected WebSockets, after the response: a
 * failed push never fails the request.
 */
export function publishEvents(env: ServiceEnv, ctx: ExecutionContext, events: EventRow[]): void {
  const stub = trackerStub(env);
  if (!stub || events.length === 0) return;
  ctx.waitUntil(
    stub.publish(events.map(toEvent)).catch((error: unknown) => {
      console.error('[flowflare] publishing events to WorkflowTracker failed:', error);
    }),
  );
}
