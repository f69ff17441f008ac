import { useEffect, useRef, useState } from 'react';
import type { MetricsReport } from '../shared/metrics.js';
import { formatDuration } from '../shared/timeline.js';
import { CHART_TITLES, chartSeries, chartSummary, createChart, LIGHT_PALETTE, type ChartKind } from './insights/charts.js';
import { styles } from './styles.js';

/** Height of a chart's plot, in CSS pixels. */
const CHART_HEIGHT = 200;

/**
 * One uPlot chart of a report, with its own legend. uPlot draws into a canvas; the figure's
 * `data-points` and `data-sums` say what it plots.
 */
export function InsightsChart({ kind, report }: { kind: ChartKind; report: MetricsReport }) {
  const plot = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const element = plot.current;
    if (!element) return undefined;
    const observer = new ResizeObserver(() => setWidth(Math.max(240, Math.floor(element.clientWidth))));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = plot.current;
    if (!element || width === 0) return undefined;
    // the width now (the observer's value only says when to draw again)
    const now = Math.max(240, Math.floor(element.clientWidth));
    const chart = createChart(kind, report, { width: now, height: CHART_HEIGHT, palette: LIGHT_PALETTE, formatDuration, interactive: false }, element);
    return () => chart.destroy();
  }, [kind, report, width]);

  const { points, sums } = chartSummary(kind, report);
  return (
    <figure style={styles.chart} data-chart={kind} data-points={points} data-sums={JSON.stringify(sums)}>
      <figcaption style={styles.bar}>
        <strong>{CHART_TITLES[kind]}</strong>
        {chartSeries(kind, report).map((s) => (
          <span key={s.label} style={styles.muted}>
            <span aria-hidden="true" style={{ ...styles.swatch, background: LIGHT_PALETTE[s.color] }} /> {s.label}
          </span>
        ))}
      </figcaption>
      <div ref={plot} style={styles.plot} />
    </figure>
  );
}
