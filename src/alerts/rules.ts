import type { AlertRule, AlertRuleInput } from '../shared/alerts.js';
import { ValidationError } from '../shared/errors.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import { durationMs } from '../workflow/duration.js';

/** A rule's cooldown when it gives none. */
export const DEFAULT_COOLDOWN = '15 minutes';
/** Windowed rules' fewest runs ended in the window when they give none. */
export const DEFAULT_MIN_RUNS = 10;
/** Longest window a windowed rule may read (its counters are kept this long). */
export const MAX_WINDOW_MS = 7 * 86_400_000;

/** Where a rule comes from and what the store keeps beside its definition. */
export interface RuleOrigin {
  id: string;
  source: AlertRule['source'];
  created_at: string;
  muted_until: string | null;
}

function durationField(value: string | undefined, field: string, where: string): number {
  const ms = value === undefined ? null : durationMs(value);
  if (ms === null || ms <= 0) throw new ValidationError(`${where}: ${field}: a duration such as '30 minutes'${value === undefined ? ' is required for this kind' : `, not ${JSON.stringify(value)}`}`);
  return ms;
}

function required<T>(value: T | undefined, field: string, where: string, what: string): T {
  if (value === undefined) throw new ValidationError(`${where}: ${field}: ${what} is required for this kind`);
  return value;
}

/**
 * A rule input made into the stored rule: the kind's fields checked and normalised (durations in
 * milliseconds, the workflow name canonical), fields of other kinds dropped.
 * @param where names the caller in error messages (`POST /api/alerts/rules`, `alerts.rules[0]`)
 * @throws ValidationError naming the field a kind needs and lacks
 */
export function normaliseRule(input: AlertRuleInput, origin: RuleOrigin, where: string): AlertRule {
  const scope = { ...input.scope };
  if (scope.workflow !== undefined) scope.workflow = canonicalWorkflowName(scope.workflow);
  if (scope.metadata_value !== undefined && scope.metadata_key === undefined) throw new ValidationError(`${where}: scope.metadata_key: required with scope.metadata_value`);
  const rule: AlertRule = {
    id: origin.id,
    name: input.name,
    kind: input.kind,
    scope,
    destinations: input.destinations,
    cooldown_ms: durationField(input.cooldown ?? DEFAULT_COOLDOWN, 'cooldown', where),
    muted_until: origin.muted_until,
    source: origin.source,
    created_at: origin.created_at,
  };
  switch (input.kind) {
    case 'run_failed':
      rule.statuses = input.statuses ?? ['Errored', 'Terminated'];
      break;
    case 'run_stuck':
      rule.status = required(input.status, 'status', where, "'Queued', 'Running', 'Waiting' or 'Sleeping'");
      rule.after_ms = durationField(input.after, 'after', where);
      break;
    case 'step_retries':
      rule.retries = required(input.retries, 'retries', where, 'a number of retries');
      break;
    case 'failure_rate':
    case 'p95_duration': {
      const threshold = required(input.threshold, 'threshold', where, input.kind === 'failure_rate' ? 'a share of runs (0..1)' : 'milliseconds');
      if (input.kind === 'failure_rate' && threshold > 1) throw new ValidationError(`${where}: threshold: a share of runs between 0 and 1`);
      rule.threshold = threshold;
      rule.window_ms = durationField(input.window, 'window', where);
      if (rule.window_ms > MAX_WINDOW_MS) throw new ValidationError(`${where}: window: at most 7 days`);
      rule.min_runs = input.min_runs ?? DEFAULT_MIN_RUNS;
      break;
    }
  }
  return rule;
}

/** The id of a rule given in the service options: stable across deploys, from its name. */
export function optionsRuleId(name: string): string {
  return `opt_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}
