import type { AlertRule, AlertRuleInput } from '../shared/alerts.js';
import { ValidationError } from '../shared/errors.js';
import { parseWith } from '../shared/validate.js';
import { alertRuleInputSchema } from './schemas.js';
import { normaliseRule, optionsRuleId } from './rules.js';

/** The alerts Queue's name unless the options say otherwise (what `flowflare-setup` creates). */
export const DEFAULT_ALERTS_QUEUE = 'flowflare-alerts';

/** The `alerts` option of `createWorkflowService`. */
export interface AlertOptions {
  /** Rules that always exist (they can be muted over the API, not deleted). @default [] */
  rules?: AlertRuleInput[];
  /** Secret webhook notifications are signed with; `env.ALERT_WEBHOOK_SECRET` wins when set. */
  webhookSecret?: string;
  /** The dashboard's URL, such as `https://workflows.example.com/`: Slack messages and emails link runs there. */
  dashboardUrl?: string;
  /** The sender of alert emails (an address the `send_email` binding may send from). @default 'alerts@flowflare.invalid' */
  emailFrom?: string;
  /** Delay before the first retry of a failed delivery, in seconds; each retry doubles it, up to 15 minutes. @default 10 */
  retryDelaySeconds?: number;
  /** Delivery attempts before an alert is marked failed (the queue then moves it to its dead-letter queue). @default 6 */
  maxAttempts?: number;
  /** How long one destination may take to answer, in ms. @default 10000 */
  timeoutMs?: number;
  /** Name of the alerts Queue: the service's `queue` handler delivers its batches. @default 'flowflare-alerts' */
  queue?: string;
}

/** The alert options with their defaults, the rules normalised. */
export interface ResolvedAlerts {
  rules: readonly AlertRule[];
  webhookSecret: string | null;
  dashboardUrl: string | null;
  emailFrom: string;
  retryDelaySeconds: number;
  maxAttempts: number;
  timeoutMs: number;
  queue: string;
}

/** Applies the defaults and checks every rule (a bad one fails at startup, naming it). */
export function resolveAlerts(options: AlertOptions = {}): ResolvedAlerts {
  const seen = new Set<string>();
  const rules = (options.rules ?? []).map((input, i) => {
    const where = `alerts.rules[${i}]`;
    const parsed = parseWith(alertRuleInputSchema, input, where) as AlertRuleInput;
    const id = optionsRuleId(parsed.name);
    if (seen.has(id)) throw new ValidationError(`${where}: name: another rule is named '${parsed.name}'`);
    seen.add(id);
    return normaliseRule(parsed, { id, source: 'options', created_at: new Date(0).toISOString(), muted_until: null }, where);
  });
  const retryDelaySeconds = options.retryDelaySeconds ?? 10;
  if (!(retryDelaySeconds >= 0 && retryDelaySeconds <= 900)) throw new ValidationError('alerts.retryDelaySeconds: between 0 and 900');
  const maxAttempts = options.maxAttempts ?? 6;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100)) throw new ValidationError('alerts.maxAttempts: a whole number from 1 to 100');
  return {
    rules,
    webhookSecret: options.webhookSecret ?? null,
    dashboardUrl: options.dashboardUrl ?? null,
    emailFrom: options.emailFrom ?? 'alerts@flowflare.invalid',
    retryDelaySeconds,
    maxAttempts,
    timeoutMs: options.timeoutMs ?? 10_000,
    queue: options.queue ?? DEFAULT_ALERTS_QUEUE,
  };
}
