/** Kinds of alert rule. */
export type AlertKind = 'run_failed' | 'run_stuck' | 'step_retries' | 'failure_rate' | 'p95_duration';
/** Which runs a rule watches; `{}` is every run. */
export interface AlertScope {
  workflow?: string;
  ref_type?: string;
  metadata_key?: string;
  metadata_value?: string;
}
/** Where an alert goes. */
export type AlertDestination = { type: 'webhook'; url: string } | { type: 'slack'; url: string } | { type: 'email'; to: string };
/** What creates a rule. */
export interface AlertRuleInput {
  name: string;
  kind: AlertKind;
  scope?: AlertScope;
  statuses?: ('Errored' | 'Terminated')[];
  status?: 'Queued' | 'Running' | 'Waiting' | 'Sleeping';
  after?: string;
  retries?: number;
  threshold?: number;
  window?: string;
  min_runs?: number;
  destinations: AlertDestination[];
  cooldown?: string;
}
/** A stored rule. */
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
  muted_until: string | null;
  source: 'options' | 'api';
  created_at: string;
}
/** Delivery state of an alert. */
export type AlertState = 'fired' | 'delivering' | 'delivered' | 'failed';
/** One recorded alert. */
export interface AlertRecord {
  id: string;
  rule_id: string;
  rule_name: string;
  kind: AlertKind;
  run_id: string | null;
  workflow: string | null;
  summary: string;
  count: number;
  state: AlertState;
  attempts: number;
  last_error: string | null;
  fired_at: string;
  delivered_at: string | null;
}
/** Filters of the alert list. */
export interface AlertFilters {
  rule_id?: string;
  run_id?: string;
  state?: AlertState;
  cursor?: string;
  limit?: number;
}
