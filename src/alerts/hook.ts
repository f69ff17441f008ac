import { FINAL_RUN_STATUSES, type RunStatus } from '../shared/status.js';
import type { EventRef } from '../store/rows.js';
import type { AlertMessage, Signal } from './messages.js';
import { cachedRules, isMuted } from './registry.js';
import { inScope, ruleWatches } from './scope.js';

/** What the hook needs: the database (for the rules) and the alerts Queue. */
interface HookEnv {
  DB?: D1Database;
  ALERTS?: Queue;
}

let failures = 0;

/** How many times this isolate failed to hand signals to the alerts Queue (each is logged). */
export function alertHookFailures(): number {
  return failures;
}

/** The signals in a write's events: runs that ended, steps retried. Costs nothing for other events. */
export function signalsOf(events: readonly EventRef[]): Signal[] {
  const out: Signal[] = [];
  for (const e of events) {
    if (e.run_id === null) continue;
    if (e.kind === 'run' && FINAL_RUN_STATUSES.includes(e.status as RunStatus)) {
      out.push({ type: 'run_ended', run_id: e.run_id, workflow: e.workflow_name, ref_type: e.ref_type, status: e.status! });
    } else if (e.kind === 'step' && typeof e.retry_count === 'number' && e.retry_count > 0 && e.step_name) {
      out.push({ type: 'step_retried', run_id: e.run_id, workflow: e.workflow_name, ref_type: e.ref_type, step: e.step_name, retries: e.retry_count });
    }
  }
  return out;
}

async function enqueue(env: Required<HookEnv>, signals: Signal[]): Promise<void> {
  const rules = await cachedRules(env.DB);
  const now = Date.now();
  const wanted = signals.filter((s) => rules.some((r) => !isMuted(r, now) && ruleWatches(r, s) && inScope(r.scope, s)));
  if (wanted.length === 0) return;
  const message: AlertMessage = { kind: 'signals', signals: wanted };
  await env.ALERTS.send(message, { contentType: 'json' });
}

/**
 * After a tracking write: hands what may fire an alert rule (a run that ended, a step retried) to
 * the alerts Queue, as one small message, after matching it against the rules cached in the
 * isolate. It never throws and never makes the write wait: the work goes to `waitUntil` (or runs
 * on its own), and a failure is logged and counted ({@link alertHookFailures}).
 */
export function alertOnWrite(env: HookEnv, events: readonly EventRef[], waitUntil?: (promise: Promise<unknown>) => void): void {
  if (!env.ALERTS || !env.DB || events.length === 0) return;
  const signals = signalsOf(events);
  if (signals.length === 0) return;
  const work = enqueue(env as Required<HookEnv>, signals).catch((error: unknown) => {
    failures++;
    console.error(`[flowflare] could not hand ${signals.length} alert signal(s) to the ALERTS queue (${failures} so far in this isolate):`, error);
  });
  waitUntil?.(work);
}
