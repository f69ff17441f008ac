import { formatDuration } from '../../shared/timeline.js';
import type { MetricsCounts, StepMetrics, TopError } from '../../shared/metrics.js';

/** One headline figure: a key for `data-metric`, its label and its text. */
export interface Figure {
  metric: string;
  label: string;
  value: string;
}

/** A success rate as text: `87.5 %`, or `—` when no run finished. */
export function rateText(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`;
}

/** The headline figures of a range: counts, success rate and duration percentiles. */
export function totalsFigures(t: MetricsCounts): Figure[] {
  return [
    { metric: 'started', label: 'Started', value: String(t.started) },
    { metric: 'completed', label: 'Completed', value: String(t.completed) },
    { metric: 'errored', label: 'Errored', value: String(t.errored) },
    { metric: 'terminated', label: 'Terminated', value: String(t.terminated) },
    { metric: 'success-rate', label: 'Success rate', value: rateText(t.success_rate) },
    { metric: 'p50', label: 'Duration p50', value: formatDuration(t.duration_ms?.p50) },
    { metric: 'p95', label: 'p95', value: formatDuration(t.duration_ms?.p95) },
    { metric: 'p99', label: 'p99', value: formatDuration(t.duration_ms?.p99) },
  ];
}

/** Column heads of the slowest-steps table. */
export const STEP_COLUMNS = ['Workflow', 'Step', 'Runs', 'Errored', 'Retries', 'p50', 'p95', 'p99'] as const;

/** One row of the slowest-steps table, as text, in {@link STEP_COLUMNS} order. */
export function stepCells(s: StepMetrics): string[] {
  return [s.workflow, s.step, String(s.count), String(s.errored), String(s.retries), formatDuration(s.duration_ms?.p50), formatDuration(s.duration_ms?.p95), formatDuration(s.duration_ms?.p99)];
}

/** Where and how often an error happened: `3× in order · step charge-card`. */
export function errorWhere(e: TopError): string {
  return `${e.count}× in ${e.workflow}${e.step ? ` · step ${e.step}` : ''}`;
}
