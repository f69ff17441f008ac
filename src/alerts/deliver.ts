import type { AlertRule } from '../shared/alerts.js';
import { parseJsonColumn } from '../shared/json.js';
import { closeSummary, failDelivery, finishDelivery, getAlertRow, getRuleRow, startDelivery, toAlert, toAlertRule, type AlertRow } from '../store/alerts.js';
import { writeBatch } from '../store/batch.js';
import { sendTo, type AlertNotification } from './destinations.js';
import { writeAlert, type FireEnv } from './fire.js';
import type { ResolvedAlerts } from './options.js';

/** What delivery needs from `env`. */
export interface DeliverEnv extends FireEnv {
  ALERT_WEBHOOK_SECRET?: string;
  ALERT_EMAIL?: SendEmail;
}

/** What the Queue should do with the message: ack it, or retry it after a delay. */
export type DeliveryOutcome = { ack: true } | { ack: false; delaySeconds: number };

/** Longest wait between two attempts. */
const MAX_DELAY_SECONDS = 900;

/** The wait after the `attempts`-th failed attempt: the base delay, doubled each time. */
export function retryDelaySeconds(alerts: ResolvedAlerts, attempts: number): number {
  return Math.min(MAX_DELAY_SECONDS, alerts.retryDelaySeconds * 2 ** Math.max(0, attempts - 1));
}

function runUrl(alerts: ResolvedAlerts, runId: string | null): string | null {
  if (!alerts.dashboardUrl || !runId) return null;
  return `${alerts.dashboardUrl.replace(/#.*$/, '').replace(/\/?$/, '/')}#/runs/${encodeURIComponent(runId)}`;
}

function notificationOf(row: AlertRow, rule: AlertRule, alerts: ResolvedAlerts): AlertNotification {
  const details = (parseJsonColumn(row.details) ?? {}) as Record<string, unknown>;
  const { run, ...rest } = details;
  return {
    id: row.id,
    type: 'alert',
    alert: toAlert(row),
    rule: { id: rule.id, name: rule.name, kind: rule.kind, scope: rule.scope },
    run: run && typeof run === 'object' ? (run as Record<string, unknown>) : null,
    run_url: runUrl(alerts, row.run_id),
    details: rest,
    sent_at: new Date().toISOString(),
  };
}

/**
 * One delivery attempt of an alert to its rule's destinations. An alert already delivered (a
 * redelivered message) is acked without sending; destinations reached by an earlier attempt are
 * not sent to again. A failed attempt is retried with a growing delay; after `maxAttempts` the
 * alert is marked failed and the message is retried until the Queue moves it to its dead-letter
 * queue. A cooldown summary closes its cooldown's folding as it is sent.
 */
export async function deliverAlert(env: DeliverEnv, alerts: ResolvedAlerts, alertId: string, now = Date.now()): Promise<DeliveryOutcome> {
  const db = env.DB;
  const row = await getAlertRow(db, alertId);
  if (!row || row.state === 'delivered') return { ack: true };
  if (row.state === 'failed' && row.attempts >= alerts.maxAttempts) return { ack: false, delaySeconds: retryDelaySeconds(alerts, row.attempts) };
  const ruleRow = await getRuleRow(db, row.rule_id);
  const at = new Date(now).toISOString();
  if (!ruleRow) {
    await writeAlert(env, [failDelivery(alertId, [], `rule ${row.rule_id} was deleted before its alert was delivered`, true)], alertId, at);
    return { ack: true };
  }
  const rule = toAlertRule(ruleRow);
  const summary = (parseJsonColumn(row.details) as { cooldown_summary?: unknown } | null)?.cooldown_summary === true;
  if (summary && row.state === 'fired') await writeBatch(db, [closeSummary(rule.id, alertId, now + rule.cooldown_ms)]);

  await writeAlert(env, [startDelivery(alertId)], alertId, at);
  const started = (await getAlertRow(db, alertId))!;
  const reached = new Set((parseJsonColumn(started.delivered_to) as number[] | null) ?? []);
  const notification = notificationOf(started, rule, alerts);
  const context = { secret: env.ALERT_WEBHOOK_SECRET ?? alerts.webhookSecret, emailFrom: alerts.emailFrom, timeoutMs: alerts.timeoutMs, email: env.ALERT_EMAIL };
  const errors: string[] = [];
  const notes: string[] = [];
  await Promise.all(
    rule.destinations.map(async (destination, i) => {
      if (reached.has(i)) return;
      const result = await sendTo(destination, notification, context);
      if (result.ok) {
        reached.add(i);
        if (result.note) notes.push(result.note);
      } else errors.push(result.error);
    }),
  );
  const done = new Date().toISOString();
  const list = [...reached].sort((a, b) => a - b);
  if (errors.length === 0) {
    await writeAlert(env, [finishDelivery(alertId, list, done, notes.length > 0 ? notes.join('; ') : null)], alertId, done);
    return { ack: true };
  }
  const final = started.attempts >= alerts.maxAttempts;
  await writeAlert(env, [failDelivery(alertId, list, errors.join('; '), final)], alertId, done);
  return { ack: false, delaySeconds: retryDelaySeconds(alerts, started.attempts) };
}
