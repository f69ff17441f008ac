import type { AlertRule } from '../shared/alerts.js';
import { publisherFor, publishSafely } from '../live/publish.js';
import { appendAlertEvent, claimFiring, claimSummary, firingAlert, foldIntoSummary, insertAlert, openCooldown } from '../store/alerts.js';
import { writeBatch } from '../store/batch.js';
import type { Statement } from '../store/statement.js';
import { randomHex } from '../service/access.js';
import type { AlertMessage } from './messages.js';

/** What the firing needs from `env`. */
export interface FireEnv {
  DB: D1Database;
  ALERTS?: Queue;
  WORKFLOW_TRACKER?: unknown;
}

/** One firing of a rule. */
export interface Firing {
  /** What makes it one firing: the rule and the run (or the window); a repeat is dropped. */
  key: string;
  run_id: string | null;
  workflow: string | null;
  summary: string;
  details: Record<string, unknown>;
}

/** What became of a firing. */
export type FireOutcome = 'sent' | 'summary' | 'folded' | 'repeat';

function alertId(): string {
  return `alt_${randomHex(10)}`;
}

/** Writes alert statements with the alert's event, and publishes the event live. */
export async function writeAlert(env: FireEnv, statements: Statement[], id: string, now: string): Promise<void> {
  const { events } = await writeBatch(env.DB, [...statements, appendAlertEvent(id, now)]);
  await publishSafely(publisherFor(env), events);
}

async function send(env: FireEnv, message: AlertMessage, delaySeconds = 0): Promise<void> {
  if (!env.ALERTS) throw new Error('alerts need the ALERTS queue binding to deliver notifications (npx flowflare-setup adds it)');
  await env.ALERTS.send(message, { contentType: 'json', ...(delaySeconds > 0 ? { delaySeconds } : {}) });
}

/** A cooldown summary's line, around its count: `Rule 'x': 3 more firing(s) during its cooldown; latest: …`. */
function summaryParts(rule: AlertRule, latest: string): [string, string] {
  return [`Rule '${rule.name}': `, ` more firing(s) during its cooldown; latest: ${latest}`];
}

/**
 * Fires a rule once: a repeated firing (the same rule and run) is dropped; the first firing
 * outside the rule's cooldown is recorded and sent at once and opens the cooldown; firings within
 * it fold into one summary alert, sent when the cooldown ends (a delayed Queue message).
 */
export async function fire(env: FireEnv, rule: AlertRule, firing: Firing, now = Date.now()): Promise<FireOutcome> {
  const db = env.DB;
  if (!(await claimFiring(db, firing.key, now))) return 'repeat';
  const id = alertId();
  const at = new Date(now).toISOString();
  const alert = { id, rule, run_id: firing.run_id, workflow: firing.workflow, fired_at: at };
  if (await openCooldown(db, rule.id, now, now + rule.cooldown_ms)) {
    await writeAlert(env, [insertAlert({ ...alert, summary: firing.summary, details: firing.details }), firingAlert(firing.key, id)], id, at);
    await send(env, { kind: 'deliver', alert_id: id });
    return 'sent';
  }
  const claimed = await claimSummary(db, rule.id, id);
  const details = { ...firing.details, latest: firing.summary, cooldown_summary: true };
  if (claimed?.summary_id === id) {
    const summary = { ...alert, run_id: null, workflow: null, summary: summaryParts(rule, firing.summary).join('1'), details };
    await writeAlert(env, [insertAlert(summary), firingAlert(firing.key, id)], id, at);
    await send(env, { kind: 'deliver', alert_id: id }, Math.max(1, Math.ceil((claimed.until - now) / 1000)));
    return 'summary';
  }
  if (!claimed) {
    // the cooldown was closed between the two statements: this firing opens the next one
    return fire(env, rule, { ...firing, key: `${firing.key}|again` }, now);
  }
  await writeAlert(env, [foldIntoSummary(claimed.summary_id, summaryParts(rule, firing.summary), details), firingAlert(firing.key, claimed.summary_id)], claimed.summary_id, at);
  return 'folded';
}
