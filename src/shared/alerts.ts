/**
 * Alert rules and the alerts they fire, as the service stores and serves them and the client
 * returns them (`/api/alerts...`).
 */

/** What a rule watches for. */
export type AlertKind = 'run_failed' | 'run_stuck' | 'step_retries' | 'failure_rate' | 'p95_duration';

/** The kinds of rule, in the order the docs list them. */
export const ALERT_KINDS = ['run_failed', 'run_stuck', 'step_retries', 'failure_rate', 'p95_duration'] as const satisfies readonly AlertKind[];

/** Which runs a rule looks at; every field given must match, `{}` is every run. */
export interface AlertScope {
  workflow?: string;
  ref_type?: string;
  /** With `metadata_value`: runs whose `metadata[metadata_key]` equals it; alone: runs that have the key. */
  metadata_key?: string;
  metadata_value?: string;
}

/** Where a rule's notifications go. */
export type AlertDestination =
  /** A JSON POST signed with the service's `ALERT_WEBHOOK_SECRET` (or the options' `webhookSecret`). */
  | { type: 'webhook'; url: string }
  /** A Slack incoming webhook. */
  | { type: 'slack'; url: string }
  /** An email through the `send_email` binding (`ALERT_EMAIL`), when it is configured. */
  | { type: 'email'; to: string };

/** Statuses a stuck-run rule can watch. */
export type StuckStatus = 'Queued' | 'Running' | 'Waiting' | 'Sleeping';

/** A rule as given in the service options or to `POST /api/alerts/rules`. */
export interface AlertRuleInput {
  name: string;
  kind: AlertKind;
  scope?: AlertScope;
  /** `run_failed`: the final statuses that fire it. @default ['Errored', 'Terminated'] */
  statuses?: ('Errored' | 'Terminated')[];
  /** `run_stuck`: the status a run stays in (a Sleeping run counts once past its wake time)... */
  status?: StuckStatus;
  /** ...for longer than this duration, such as `'30 minutes'`. */
  after?: string;
  /** `step_retries`: fires when one step is retried more than this many times. */
  retries?: number;
  /** `failure_rate`: a share of runs, 0..1; `p95_duration`: milliseconds. */
  threshold?: number;
  /** `failure_rate` and `p95_duration`: the window the runs ended in, such as `'1 hour'`. */
  window?: string;
  /** `failure_rate` and `p95_duration`: fewer runs ended in the window fire nothing. @default 10 */
  min_runs?: number;
  destinations: AlertDestination[];
  /** Within it, further firings of the rule fold into one summary. @default '15 minutes' */
  cooldown?: string;
}

/** A rule as stored, with its durations in milliseconds. */
export interface AlertRule extends Required<Pick<AlertRuleInput, 'name' | 'kind' | 'destinations'>> {
  id: string;
  scope: AlertScope;
  statuses?: string[];
  status?: string;
  after_ms?: number;
  retries?: number;
  threshold?: number;
  window_ms?: number;
  min_runs?: number;
  cooldown_ms: number;
  /** Until when the rule fires nothing (ISO-8601), or `null`. */
  muted_until: string | null;
  /** `options`: given in the service options (can be muted, not deleted); `api`: created over the API. */
  source: 'options' | 'api';
  created_at: string;
}

/** Where an alert's notification is. */
export type AlertState = 'fired' | 'delivering' | 'delivered' | 'failed';

/** The alert states, in order. */
export const ALERT_STATES = ['fired', 'delivering', 'delivered', 'failed'] as const satisfies readonly AlertState[];

/** One firing of a rule (or, with `count > 1`, a cooldown summary of several). */
export interface AlertRecord {
  /** Also the notification's idempotency key sent to receivers (`Flowflare-Id`). */
  id: string;
  rule_id: string;
  rule_name: string;
  kind: AlertKind;
  run_id: string | null;
  workflow: string | null;
  /** One line, such as `Run abc (charge_card) errored: card declined`. */
  summary: string;
  /** More than 1 for a cooldown summary folding several firings. */
  count: number;
  state: AlertState;
  attempts: number;
  last_error: string | null;
  fired_at: string;
  delivered_at: string | null;
}

/** Filters of `GET /api/alerts`. */
export interface AlertFilters {
  rule_id?: string;
  run_id?: string;
  state?: AlertState;
  cursor?: string;
  limit?: number;
}
