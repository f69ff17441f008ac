import type { MetricsCounts } from '../../shared/metrics.js';
import { totalsFigures } from '../../ui/insights/figures.js';
import { h, replaceChildren } from './dom.js';

/** Insights' headline figures over the whole range: counts, success rate, duration percentiles. */
export function createInsightsSummary(): { element: HTMLElement; set(totals: MetricsCounts): void } {
  const element = h('dl', { class: 'summary', 'aria-label': 'Totals over the range' });
  return {
    element,
    set(totals) {
      replaceChildren(
        element,
        totalsFigures(totals).map((f) => h('div', { class: `tile tile-${f.metric}`, 'data-metric': f.metric }, h('dt', null, f.label), h('dd', null, f.value))),
      );
    },
  };
}
