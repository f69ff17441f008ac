import type { AlertRule } from '../shared/alerts.js';
import { dueSummaries, pruneAlertState, stuckRuns } from '../store/alerts.js';
import { writeBatch } from '../store/batch.js';
import { runDurationMs, runFiring } from './evaluate.js';
import { fire, type FireEnv } from './fire.js';
import { MAX_WINDOW_MS } from './rules.js';
import type { ResolvedAlerts } from './options.js';
import { cachedRules, isMuted, syncOptionsRules } from './registry.js';

/** Stuck runs fired per rule per pass (the next pass goes on). */
const STUCK_LIMIT = 100;
/** Firings and counters are kept a day longer than the longest window. */
const KEEP_STATE_MS = MAX_WINDOW_MS + 86_400_000;

/** What the alerts part of a maintenance pass did. */
export interface AlertMaintenance {
  /** Stuck-run alerts fired (a run fires each rule once). */
  stuck: number;
  /** Cooldown summaries whose delayed message was lost, sent now. */
  summaries: number;
}

function minutes(ms: number): string {
  return ms >= 3_600_000 && ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;
}

async function stuckFor(env: FireEnv, rule: AlertRule, now: number): Promise<number> {
  const before = new Date(now - (rule.after_ms ?? 0)).toISOString();
  const runs = await stuckRuns(env.DB, { status: rule.status!, before, ...rule.scope }, STUCK_LIMIT);
  let fired = 0;
  for (const run of runs) {
    const since = rule.status === 'Sleeping' ? `past its wake time (${run.sleep_until})` : `since ${run.updated_at}`;
    const summary = `Run ${run.id} (${run.workflow_name}) has been ${rule.status} ${since}, longer than ${minutes(rule.after_ms ?? 0)}`;
    const outcome = await fire(env, rule, runFiring(rule, run, `${rule.id}|${run.id}`, summary, { stuck_ms: runDurationMs(run, now) }), now);
    if (outcome !== 'repeat') fired++;
  }
  return fired;
}

/**
 * The alerts part of the `scheduled` maintenance: fires stuck-run rules for runs in their status
 * for longer than their `after` (evaluated at `now`, so a pass at a later time sees later), sends
 * cooldown summaries whose delayed message was lost, and forgets old firings and counters.
 */
export async function alertMaintenance(env: FireEnv, alerts: ResolvedAlerts, now: number): Promise<AlertMaintenance> {
  await syncOptionsRules(env.DB, alerts);
  const rules = (await cachedRules(env.DB, now)).filter((r) => r.kind === 'run_stuck' && !isMuted(r, now));
  let stuck = 0;
  for (const rule of rules) stuck += await stuckFor(env, rule, now);
  const due = await dueSummaries(env.DB, now, 100);
  if (env.ALERTS) for (const s of due) await env.ALERTS.send({ kind: 'deliver', alert_id: s.summary_id }, { contentType: 'json' });
  await writeBatch(env.DB, pruneAlertState(now - KEEP_STATE_MS));
  return { stuck, summaries: env.ALERTS ? due.length : 0 };
}
