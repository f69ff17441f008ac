import uPlot from 'uplot';
import { BUCKET_MS, type MetricsReport } from '../../shared/metrics.js';

/** The three charts of Insights. */
export type ChartKind = 'throughput' | 'failure-rate' | 'duration';

/** Every chart, in the order Insights shows them. */
export const CHART_KINDS: readonly ChartKind[] = ['throughput', 'failure-rate', 'duration'];

/** Titles of the charts. */
export const CHART_TITLES: Record<ChartKind, string> = {
  throughput: 'Runs finished',
  'failure-rate': 'Failure rate',
  duration: 'Run duration',
};

/** Colours the charts draw with (canvas colours: the page reads them from its stylesheet). */
export interface ChartPalette {
  completed: string;
  errored: string;
  terminated: string;
  p50: string;
  p95: string;
  p99: string;
  text: string;
  grid: string;
}

/** The palette of a light page. */
export const LIGHT_PALETTE: ChartPalette = {
  completed: '#1f7a3d',
  errored: '#b3261e',
  terminated: '#8a5a00',
  p50: '#2f5fd0',
  p95: '#8a5a00',
  p99: '#b3261e',
  text: '#5b6476',
  grid: '#dde1e8',
};

/** One series as a chart shows it: its name, colour key and values per bucket. */
interface SeriesValues {
  label: string;
  color: keyof ChartPalette;
  values: (number | null)[];
}

/** The values each chart plots, one per bucket of the report's series. */
export function chartSeries(kind: ChartKind, report: MetricsReport): SeriesValues[] {
  const points = report.series;
  if (kind === 'throughput') {
    return [
      { label: 'Completed', color: 'completed', values: points.map((p) => p.completed) },
      { label: 'Errored', color: 'errored', values: points.map((p) => p.errored) },
      { label: 'Terminated', color: 'terminated', values: points.map((p) => p.terminated) },
    ];
  }
  if (kind === 'failure-rate') {
    return [{ label: 'Failed', color: 'errored', values: points.map((p) => (p.success_rate === null ? null : round((1 - p.success_rate) * 100))) }];
  }
  return (['p50', 'p95', 'p99'] as const).map((q) => ({ label: q, color: q, values: points.map((p) => p.duration_ms?.[q] ?? null) }));
}

/** Bucket starts in seconds, the x values uPlot takes. */
function times(report: MetricsReport): number[] {
  return report.series.map((p) => Date.parse(p.time) / 1000);
}

/**
 * The data uPlot draws. Throughput is stacked: each series holds its count plus those under it,
 * drawn tallest first so each bar shows its own part (the legend shows the counts themselves).
 */
export function chartData(kind: ChartKind, report: MetricsReport): uPlot.AlignedData {
  const series = chartSeries(kind, report);
  if (kind !== 'throughput') return [times(report), ...series.map((s) => s.values)];
  // an empty bucket has no bar (null), not a bar of height 0
  const stacked = series.map((_, i) => report.series.map((_p, b) => series.slice(0, i + 1).reduce((sum, s) => sum + (s.values[b] ?? 0), 0) || null));
  return [times(report), ...stacked.reverse()];
}

/** What a chart is drawn with besides the report. */
export interface ChartSetup {
  width: number;
  height: number;
  palette: ChartPalette;
  /** Formats a duration for the duration chart's axis and legend. */
  formatDuration(ms: number): string;
  /** uPlot's legend under the chart and its hover cursor (both need uPlot's stylesheet). @default true */
  interactive?: boolean;
}

/** The uPlot options of a chart. */
export function chartOptions(kind: ChartKind, report: MetricsReport, setup: ChartSetup): uPlot.Options {
  const { palette } = setup;
  const series = chartSeries(kind, report);
  const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: palette.text,
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1 },
    ...(values ? { values } : {}),
  });
  // half a bucket on each side of the x axis, so the first and last bars and points are whole
  const half = BUCKET_MS[report.bucket] / 2000;
  const x: uPlot.Scale = { time: true, range: (_u, min, max) => [min - half, max + half] };
  const base = {
    width: setup.width,
    height: setup.height,
    legend: { show: setup.interactive ?? true },
    cursor: { show: setup.interactive ?? true, drag: { x: false, y: false } },
  };

  if (kind === 'throughput') {
    const bars = uPlot.paths.bars!({ size: [0.8, 48] });
    // drawn tallest (all three stacked) first: Terminated, then Errored, then Completed
    const drawn = [...series].reverse();
    return {
      ...base,
      scales: { x, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [axis(), axis((_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')))],
      series: [
        {},
        ...drawn.map((s) => ({
          label: s.label,
          stroke: palette[s.color],
          fill: palette[s.color],
          paths: bars,
          points: { show: false },
          value: (_u: uPlot, _v: number | null, _si: number, index: number | null) => (index === null ? '—' : String(s.values[index] ?? 0)),
        })),
      ],
    };
  }
  if (kind === 'failure-rate') {
    return {
      ...base,
      scales: { x, y: { range: [0, 100] } },
      axes: [axis(), { ...axis((_u, ticks) => ticks.map((t) => `${t} %`)), size: 56 }],
      series: [{}, { label: series[0]!.label, stroke: palette.errored, width: 2, points: { show: true, size: 5 }, value: (_u, v) => (v === null ? '—' : `${v} %`) }],
    };
  }
  return {
    ...base,
    scales: { x, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [axis(), { ...axis((_u, ticks) => ticks.map((t) => setup.formatDuration(t))), size: 70 }],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: palette[s.color],
        width: 2,
        points: { show: true, size: 4 },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : setup.formatDuration(v)),
      })),
    ],
  };
}

/**
 * What a chart plots, for the element's data attributes (tests and tools read them; the canvas
 * cannot be read): the number of points, and each series' sum over them.
 */
export function chartSummary(kind: ChartKind, report: MetricsReport): { points: number; sums: Record<string, number> } {
  const sums: Record<string, number> = {};
  for (const s of chartSeries(kind, report)) sums[s.label] = round(s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0));
  return { points: report.series.length, sums };
}

/** Draws a chart into `target`. */
export function createChart(kind: ChartKind, report: MetricsReport, setup: ChartSetup, target: HTMLElement): uPlot {
  const chart = new uPlot(chartOptions(kind, report, setup), chartData(kind, report), target);
  if (setup.interactive === false) layoutWithoutStylesheet(chart);
  return chart;
}

/**
 * The few layout rules of uPlot's stylesheet a chart with no legend and no cursor needs, set on
 * its elements through the CSSOM: a page with a strict CSP and no stylesheet of uPlot's draws it.
 */
function layoutWithoutStylesheet(chart: uPlot): void {
  const wrap = chart.root.querySelector<HTMLElement>('.u-wrap');
  if (wrap) wrap.style.position = 'relative';
  for (const layer of [chart.under, chart.over]) layer.style.position = 'absolute';
  chart.under.style.overflow = 'hidden';
  const canvas = chart.root.querySelector('canvas');
  if (canvas) Object.assign(canvas.style, { display: 'block', position: 'relative' });
  for (const other of chart.root.querySelectorAll<HTMLElement>('.u-axis, .u-select')) other.style.position = 'absolute';
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
