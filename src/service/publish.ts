import type { EventRef } from '../store/rows.js';
import { publisherFor, publishSafely } from '../live/publish.js';
import type { ServiceEnv } from './options.js';
import { alertOnWrite } from '../alerts/hook.js';
import { afterAnswer } from './after-answer.js';

/**
 * Pushes the events a service write appended (a start, a control action) to the live topics they
 * belong to, after the response: a failed push never fails the request, and subscribers catch up
 * from the event log on the next event or reconnect. Alert rules see the runs it ended.
 */
export function publishEvents(env: ServiceEnv, ctx: ExecutionContext, events: EventRef[]): void {
  if (events.length === 0) return;
  ctx.waitUntil(publishSafely(publisherFor(env), events));
  alertOnWrite(env, events, (work) => ctx.waitUntil(work));
}

/**
 * After a start's answer has gone: publishes the events its record appended, and lets its runs'
 * followers be asked (`following`), so that neither holds up the answer.
 */
export function publishStarted(env: ServiceEnv, ctx: ExecutionContext, outcome: { events: EventRef[]; following?: Promise<unknown> }): void {
  ctx.waitUntil(afterAnswer(async () => publishEvents(env, ctx, outcome.events)));
  if (outcome.following) ctx.waitUntil(outcome.following);
}
