import type { MetricsCounts } from '../../shared/metrics.js';
import { h, replaceChildren } from './dom.js';
import { formatDuration } from './format.js';

/** Insights' headline figures over the whole range: counts, success rate, duration percentiles. */
export function createInsightsSummary(): { element: HTMLElement; set(totals: MetricsCounts): void } {
  const element = h('dl', { class: 'summary', 'aria-label': 'Totals over the range' });
  const tile = (metric: string, label: string, value: string) =>
    h('div', { class: `tile tile-${metric}`, 'data-metric': metric }, h('dt', null, label), h('dd', null, value));
  return {
    element,
    set(t) {
      replaceChildren(
        element,
        tile('started', 'Started', String(t.started)),
        tile('completed', 'Completed', String(t.completed)),
        tile('errored', 'Errored', String(t.errored)),
        tile('terminated', 'Terminated', String(t.terminated)),
        tile('success-rate', 'Success rate', t.success_rate === null ? '—' : `${Math.round(t.success_rate * 1000) / 10} %`),
        tile('p50', 'Duration p50', formatDuration(t.duration_ms?.p50)),
        tile('p95', 'p95', formatDuration(t.duration_ms?.p95)),
        tile('p99', 'p99', formatDuration(t.duration_ms?.p99)),
      );
    },
  };
}
