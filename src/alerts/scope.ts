import type { AlertRule, AlertScope } from '../shared/alerts.js';

/** What a rule's scope is matched against. */
export interface ScopedRun {
  workflow: string | null;
  ref_type: string | null;
  /** The run's metadata; `undefined` when not known yet (matching then leaves the metadata out). */
  metadata?: Record<string, unknown> | null;
}

/**
 * True when a run is in a rule's scope. Without `metadata` (as tracking matches, before it reads the
 * run) a metadata scope counts as a match, and the consumer checks it against the stored run.
 */
export function inScope(scope: AlertScope, run: ScopedRun): boolean {
  if (scope.workflow !== undefined && scope.workflow !== run.workflow) return false;
  if (scope.ref_type !== undefined && scope.ref_type !== run.ref_type) return false;
  if (scope.metadata_key === undefined || run.metadata === undefined) return true;
  const metadata = run.metadata ?? {};
  if (!Object.hasOwn(metadata, scope.metadata_key)) return false;
  if (scope.metadata_value === undefined) return true;
  const value = metadata[scope.metadata_key];
  return (typeof value === 'string' ? value : JSON.stringify(value)) === scope.metadata_value;
}

/** True when a rule of this kind may fire for a signal of this type. */
export function ruleWatches(rule: AlertRule, signal: { type: string; status?: string; retries?: number }): boolean {
  switch (rule.kind) {
    case 'run_failed':
      return signal.type === 'run_ended' && (rule.statuses ?? []).includes(signal.status ?? '');
    case 'failure_rate':
    case 'p95_duration':
      return signal.type === 'run_ended';
    case 'step_retries':
      return signal.type === 'step_retried' && (signal.retries ?? 0) > (rule.retries ?? 0);
    case 'run_stuck':
      return false;
  }
}
