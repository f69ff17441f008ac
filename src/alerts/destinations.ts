import type { AlertDestination, AlertRecord, AlertRule } from '../shared/alerts.js';
import { ID_HEADER, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../shared/webhook-signature.js';

/** The JSON body of a webhook notification (documented in docs/alerts.md). */
export interface AlertNotification {
  /** The alert's id: the same on every redelivery (also in `Flowflare-Id`). */
  id: string;
  type: 'alert';
  alert: AlertRecord;
  rule: Pick<AlertRule, 'id' | 'name' | 'kind' | 'scope'>;
  /** The run it is about, as stored when it fired, or null (windowed rules, cooldown summaries). */
  run: Record<string, unknown> | null;
  /** The run in the dashboard, when `alerts.dashboardUrl` is set. */
  run_url: string | null;
  /** What fired it: the window's figures, the step and its retries, the latest firing of a summary. */
  details: Record<string, unknown>;
  sent_at: string;
}

/** What sending needs. */
export interface SendContext {
  secret: string | null;
  emailFrom: string;
  timeoutMs: number;
  email?: SendEmail;
}

/** What one destination answered: reached (with a note when it was skipped, not configured), or why not. */
export type SendResult = { ok: true; note?: string } | { ok: false; error: string };

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true };
    return { ok: false, error: `${url} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (error) {
    const reason = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
    return { ok: false, error: `${url}: ${reason}` };
  }
}

function slackText(n: AlertNotification): Record<string, unknown> {
  const link = n.run_url ? ` <${n.run_url}|View run>` : '';
  const text = `:rotating_light: *${n.rule.name}*: ${n.alert.summary}${link}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

function emailMessage(from: string, to: string, n: AlertNotification): string {
  const subject = `[Flowflare] ${n.rule.name}: ${n.alert.summary}`.replace(/[\r\n]+/g, ' ').slice(0, 200);
  const lines = [n.alert.summary, '', `Rule: ${n.rule.name} (${n.rule.kind})`, `Fired: ${n.alert.fired_at}`];
  if (n.alert.count > 1) lines.push(`Firings: ${n.alert.count}`);
  if (n.run_url) lines.push(`Run: ${n.run_url}`);
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${n.id}@flowflare>`,
    `Date: ${new Date(n.sent_at).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...lines,
    '',
  ].join('\r\n');
}

/**
 * Sends a notification to one destination: a signed webhook POST, a Slack incoming-webhook
 * message, or an email through the `send_email` binding (skipped, and said so, without one).
 */
export async function sendTo(destination: AlertDestination, notification: AlertNotification, context: SendContext): Promise<SendResult> {
  switch (destination.type) {
    case 'webhook': {
      const body = JSON.stringify(notification);
      const timestamp = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = { [ID_HEADER]: notification.id, [TIMESTAMP_HEADER]: String(timestamp), 'User-Agent': 'Flowflare-Alerts' };
      if (!context.secret) return { ok: false, error: 'webhook notifications are signed: set the ALERT_WEBHOOK_SECRET secret (or alerts.webhookSecret)' };
      headers[SIGNATURE_HEADER] = await signWebhook(context.secret, timestamp, body);
      return post(destination.url, body, headers, context.timeoutMs);
    }
    case 'slack':
      return post(destination.url, JSON.stringify(slackText(notification)), {}, context.timeoutMs);
    case 'email': {
      if (!context.email) return { ok: true, note: `email to ${destination.to} skipped: the service has no ALERT_EMAIL send_email binding` };
      try {
        const { EmailMessage } = await import('cloudflare:email');
        await context.email.send(new EmailMessage(context.emailFrom, destination.to, emailMessage(context.emailFrom, destination.to, notification)));
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `email to ${destination.to}: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
  }
}
