import type uPlot from 'uplot';
import type { MetricsReport } from '../../shared/metrics.js';
import { CHART_TITLES, chartSummary, createChart, type ChartKind, type ChartPalette } from '../../ui/insights/charts.js';
import { h } from './dom.js';
import { formatDuration } from './format.js';

/** Height of a chart's plot, in CSS pixels. */
const CHART_HEIGHT = 220;

/** The chart colours, from the stylesheet's custom properties (so dark mode applies). */
function palette(): ChartPalette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { completed: v('--ok'), errored: v('--bad'), terminated: v('--wait'), p50: v('--accent'), p95: v('--wait'), p99: v('--bad'), text: v('--muted'), grid: v('--line') };
}

/**
 * One uPlot chart of Insights. Each report draws it anew; the element's `data-points` and
 * `data-sums` say what it plots (its canvas cannot be read).
 */
export function createInsightsChart(kind: ChartKind): { element: HTMLElement; set(report: MetricsReport): void; dispose(): void } {
  const plot = h('div', { class: 'chart-plot' });
  const element = h('figure', { class: 'chart', 'data-chart': kind }, h('figcaption', null, h('h2', null, CHART_TITLES[kind])), plot);
  let chart: uPlot | null = null;
  const width = () => Math.max(240, Math.floor(plot.clientWidth));
  const resize = new ResizeObserver(() => chart && chart.width !== width() && chart.setSize({ width: width(), height: CHART_HEIGHT }));
  resize.observe(plot);

  return {
    element,
    set(report) {
      chart?.destroy();
      chart = createChart(kind, report, { width: width(), height: CHART_HEIGHT, palette: palette(), formatDuration }, plot);
      const { points, sums } = chartSummary(kind, report);
      element.dataset.points = String(points);
      element.dataset.sums = JSON.stringify(sums);
    },
    dispose() {
      resize.disconnect();
      chart?.destroy();
    },
  };
}
