import type { AlertRule } from '../shared/alerts.js';
import { parseJsonColumn } from '../shared/json.js';
import type { RunRow } from '../store/rows.js';
import { claimFiring } from '../store/alerts.js';
import { writeBatch } from '../store/batch.js';
import { getRunRow } from '../store/runs.js';
import { fire, type FireEnv, type Firing } from './fire.js';
import type { Signal } from './messages.js';
import { cachedRules, isMuted } from './registry.js';
import { inScope, ruleWatches } from './scope.js';
import { readWindowStats, countEndedRun } from './window.js';

function errorMessage(run: RunRow): string | null {
  const error = parseJsonColumn(run.error) as { message?: unknown } | null;
  return error && typeof error === 'object' && typeof error.message === 'string' ? error.message : null;
}

function runFacts(run: RunRow): Record<string, unknown> {
  return {
    run: {
      id: run.id,
      workflow_name: run.workflow_name,
      status: run.status,
      ref_type: run.ref_type,
      ref_id: run.ref_id,
      error: parseJsonColumn(run.error),
      metadata: parseJsonColumn(run.metadata),
      started_at: run.started_at,
      completed_at: run.completed_at,
    },
  };
}

/** A run's duration: from its start (or creation) to its end (or `now`). */
export function runDurationMs(run: RunRow, now: number): number {
  const start = Date.parse(run.started_at ?? run.created_at);
  const end = run.completed_at ? Date.parse(run.completed_at) : now;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : 0;
}

/** A firing about one run. */
export function runFiring(rule: AlertRule, run: RunRow, key: string, summary: string, extra: Record<string, unknown> = {}): Firing {
  return { key, run_id: run.id, workflow: run.workflow_name, summary, details: { ...runFacts(run), ...extra } };
}

function windowText(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

async function windowed(env: FireEnv, rule: AlertRule, run: RunRow, now: number): Promise<void> {
  if (!(await claimFiring(env.DB, `n|${rule.id}|${run.id}`, now))) return;
  const at = run.completed_at ? Date.parse(run.completed_at) : now;
  await writeBatch(env.DB, [countEndedRun(rule, Number.isFinite(at) ? at : now, runDurationMs(run, now), run.status !== 'Completed')]);
  const stats = await readWindowStats(env.DB, rule, now);
  if (stats.runs < (rule.min_runs ?? 1)) return;
  const threshold = rule.threshold ?? 0;
  const over = windowText(rule.window_ms ?? 0);
  const key = `${rule.id}|w${Math.floor(now / (rule.window_ms ?? 1))}`;
  const details = { window: stats, threshold, window_ms: rule.window_ms };
  if (rule.kind === 'failure_rate') {
    const rate = stats.failed / stats.runs;
    if (rate <= threshold) return;
    const summary = `Failure rate ${Math.round(rate * 100)}% (${stats.failed} of ${stats.runs} runs) over ${over} is above ${Math.round(threshold * 100)}%`;
    await fire(env, rule, { key, run_id: null, workflow: rule.scope.workflow ?? null, summary, details }, now);
  } else if (stats.p95_ms !== null && stats.p95_ms > threshold) {
    const summary = `p95 duration ${stats.p95_ms} ms of ${stats.runs} runs over ${over} is above ${threshold} ms`;
    await fire(env, rule, { key, run_id: null, workflow: rule.scope.workflow ?? null, summary, details }, now);
  }
}

async function forRule(env: FireEnv, rule: AlertRule, signal: Signal, run: RunRow, now: number): Promise<void> {
  switch (rule.kind) {
    case 'run_failed': {
      const reason = errorMessage(run);
      const verb = run.status === 'Terminated' ? 'was terminated' : 'errored';
      await fire(env, rule, runFiring(rule, run, `${rule.id}|${run.id}`, `Run ${run.id} (${run.workflow_name}) ${verb}${reason ? `: ${reason}` : ''}`), now);
      return;
    }
    case 'step_retries': {
      if (signal.type !== 'step_retried') return;
      const summary = `Step '${signal.step}' of run ${run.id} (${run.workflow_name}) was retried ${signal.retries} times (more than ${rule.retries})`;
      await fire(env, rule, runFiring(rule, run, `${rule.id}|${run.id}|${signal.step}`, summary, { step: signal.step, retries: signal.retries }), now);
      return;
    }
    case 'failure_rate':
    case 'p95_duration':
      await windowed(env, rule, run, now);
      return;
    case 'run_stuck':
      return;
  }
}

/**
 * Matches what tracking saw against every rule (with the stored run, so metadata scopes are
 * checked) and fires the rules it meets. Rules muted now fire nothing.
 */
export async function evaluateSignals(env: FireEnv, signals: readonly Signal[], now = Date.now()): Promise<void> {
  const rules = (await cachedRules(env.DB, now)).filter((r) => !isMuted(r, now));
  for (const signal of signals) {
    const candidates = rules.filter((r) => ruleWatches(r, signal) && inScope(r.scope, signal));
    if (candidates.length === 0) continue;
    const run = await getRunRow(env.DB, signal.run_id);
    if (!run) continue;
    const metadata = parseJsonColumn(run.metadata) as Record<string, unknown> | null;
    const scoped = { workflow: run.workflow_name, ref_type: run.ref_type, metadata: metadata && typeof metadata === 'object' ? metadata : null };
    for (const rule of candidates.filter((r) => inScope(r.scope, scoped))) await forRule(env, rule, signal, run, now);
  }
}
