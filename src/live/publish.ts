import type { EventRef } from '../store/rows.js';
import { TIMED_OUT, TRACKER_CALL_TIMEOUT_MS, withDeadline } from '../shared/deadline.js';
import { topicsOf } from './topics.js';

/** Something to do with the events a successful write appended (publish them live). */
export type EventSink = (events: EventRef[]) => void | Promise<unknown>;

/** The stub methods a publisher calls on a tracker object. */
interface TrackerStub {
  publish(topic: string, latestId: number): Promise<number>;
}

function trackerNamespace(env: unknown): DurableObjectNamespace | null {
  const ns = (env as { WORKFLOW_TRACKER?: unknown } | null | undefined)?.WORKFLOW_TRACKER as DurableObjectNamespace | undefined;
  return ns && typeof ns.idFromName === 'function' && typeof ns.get === 'function' ? ns : null;
}

/**
 * The sink that publishes tracked events live through `env.WORKFLOW_TRACKER` (the service's own
 * binding, or a client worker's binding with `script_name`), or `undefined` when there is none.
 * Each write costs one Durable Object call per topic it touches (everything, the run, the
 * workflow, the business object), never one per socket. A failed publish is logged and never
 * fails the write; the tracker catches up from the event log on the next publish or reconnect.
 */
export function publisherFor(env: unknown): EventSink | undefined {
  const ns = trackerNamespace(env);
  if (!ns) return undefined;
  return (events: EventRef[]) => {
    const latest = new Map<string, number>();
    for (const event of events) {
      for (const key of topicsOf(event)) latest.set(key, Math.max(latest.get(key) ?? 0, event.id));
    }
    return Promise.all(
      [...latest].map(([key, id]) =>
        (ns.get(ns.idFromName(key)) as unknown as TrackerStub).publish(key, id).catch((error: unknown) => {
          console.error(`[flowflare] publishing to topic ${key} failed (subscribers catch up on the next event):`, error);
        }),
      ),
    );
  };
}

/**
 * Hands a write's events to `sink` and never throws, nor waits longer than `timeoutMs`: a failed or
 * late publish is logged, and subscribers catch up from the event log on the next event or
 * reconnect.
 * @param timeoutMs @default TRACKER_CALL_TIMEOUT_MS (2 s)
 */
export async function publishSafely(sink: EventSink | undefined, events: EventRef[], timeoutMs = TRACKER_CALL_TIMEOUT_MS): Promise<void> {
  if (!sink || events.length === 0) return;
  try {
    if ((await withDeadline(Promise.resolve(sink(events)), timeoutMs)) === TIMED_OUT) {
      console.error(`[flowflare] publishing events live took longer than ${timeoutMs} ms; going on without it (subscribers catch up from the event log)`);
    }
  } catch (error) {
    console.error('[flowflare] publishing events live failed (subscribers catch up on the next event):', error);
  }
}
