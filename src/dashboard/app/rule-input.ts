import { ALERT_KINDS, type AlertDestination, type AlertKind, type AlertRuleInput, type AlertScope } from '../../shared/alerts.js';

/** A rule from the form's fields, or what is wrong with them (the service checks the rest). */
export type RuleFormResult = { input: AlertRuleInput } | { error: string };

/**
 * Reads the new-rule form: the name, kind and scope, the kind's own fields, the destinations
 * (`destination_type` and `destination_target`, one pair per row) and the cooldown. Empty fields
 * are left out, so the service's defaults apply.
 */
export function ruleInputFrom(data: FormData): RuleFormResult {
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const name = text('name');
  if (!name) return { error: 'Give the rule a name.' };
  const kind = text('kind') as AlertKind;
  if (!ALERT_KINDS.includes(kind)) return { error: 'Choose what the rule watches.' };

  const scope: AlertScope = {};
  for (const key of ['workflow', 'ref_type', 'metadata_key', 'metadata_value'] as const) if (text(`scope_${key}`)) scope[key] = text(`scope_${key}`);
  const input: AlertRuleInput = { name, kind, scope, destinations: [] };

  const number = (field: string, label: string): number | undefined | string => {
    const value = text(field);
    if (!value) return undefined;
    const n = Number(value);
    return Number.isFinite(n) ? n : `${label} must be a number.`;
  };
  const numbers: [keyof AlertRuleInput, string, string][] = [];
  if (kind === 'run_failed') {
    const statuses = data.getAll('statuses').map(String) as ('Errored' | 'Terminated')[];
    if (statuses.length === 0) return { error: 'Pick at least one status the rule fires on.' };
    input.statuses = statuses;
  } else if (kind === 'run_stuck') {
    input.status = text('status') as AlertRuleInput['status'];
    if (text('after')) input.after = text('after');
  } else if (kind === 'step_retries') {
    numbers.push(['retries', 'retries', 'Retries']);
  } else {
    numbers.push(['threshold', kind === 'failure_rate' ? 'rate' : 'p95_ms', kind === 'failure_rate' ? 'The failure rate' : 'The p95 duration'], ['min_runs', 'min_runs', 'The minimum number of runs']);
    if (text('window')) input.window = text('window');
  }
  for (const [key, field, label] of numbers) {
    const value = number(field, label);
    if (typeof value === 'string') return { error: value };
    if (value !== undefined) (input as unknown as Record<string, number>)[key] = value;
  }

  const types = data.getAll('destination_type').map(String);
  const targets = data.getAll('destination_target').map((t) => String(t).trim());
  types.forEach((type, i) => {
    const target = targets[i];
    if (!target) return;
    input.destinations.push((type === 'email' ? { type, to: target } : { type, url: target }) as AlertDestination);
  });
  if (input.destinations.length === 0) return { error: 'Add at least one destination: a webhook or Slack URL, or an email address.' };
  if (text('cooldown')) input.cooldown = text('cooldown');
  return { input };
}
