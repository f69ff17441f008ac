import { useState } from 'react';
import type { MetricsQuery } from '../shared/metrics.js';
import { CHART_KINDS } from './insights/charts.js';
import { errorWhere, STEP_COLUMNS, stepCells, totalsFigures } from './insights/figures.js';
import { DEFAULT_RANGE, TIME_RANGES, type TimeRange } from './insights/ranges.js';
import { InsightsChart } from './insights-chart.js';
import { badgeStyle, styles } from './styles.js';
import type { FlowflareConnection } from './types.js';
import { useWorkflowMetrics } from './use-workflow-metrics.js';

/** Props of {@link WorkflowInsights}. */
export interface WorkflowInsightsProps extends Partial<FlowflareConnection> {
  /** Filters, as the run list takes them: `workflow`, `step`, `ref_type` + `ref_id`, `metadata_key` + `metadata_value`. */
  filters?: Omit<MetricsQuery, 'from' | 'to' | 'bucket'>;
  /** The range it opens with; the component's buttons change it. @default '24h' */
  range?: TimeRange;
  /** The link of a run, for the top errors' example runs (without it they are buttons calling `onSelectRun`). */
  runHref?: (runId: string) => string;
  /** Called when an example run of a top error is opened. */
  onSelectRun?: (runId: string) => void;
  className?: string;
}

const CONNECTION_LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', unauthorized: 'Not authorized', closed: 'Not live' };

/**
 * Throughput by outcome, failure rate and duration percentiles over a time range (uPlot charts),
 * the totals, the slowest steps and the top errors; refreshed when a run inside the filters
 * finishes. It reads the report with `client` (a key of role `read` is enough).
 * @example
 * <WorkflowInsights client={client} websocketUrl={wsUrl} getToken={fetchToken} filters={{ workflow: 'order' }} range="7d" />
 */
export function WorkflowInsights({ filters = {}, range: initialRange = DEFAULT_RANGE, runHref, onSelectRun, className, ...connection }: WorkflowInsightsProps) {
  const [range, setRange] = useState<TimeRange>(initialRange);
  const { report, error, status, detail } = useWorkflowMetrics({ ...filters, range }, connection);

  return (
    <section className={className} style={styles.root} aria-label="Workflow insights" data-flowflare-insights="" data-range={range}>
      <div style={styles.bar}>
        <span role="status" data-connection={status} title={detail} style={badgeStyle(status === 'live' ? 'Completed' : status === 'unauthorized' ? 'Errored' : 'Waiting')}>
          {CONNECTION_LABELS[status]}
        </span>
        <span role="group" aria-label="Time range" style={styles.bar}>
          {(Object.keys(TIME_RANGES) as TimeRange[]).map((r) => (
            <button key={r} type="button" data-range={r} aria-pressed={r === range} style={r === range ? styles.pillOn : styles.pill} onClick={() => setRange(r)}>
              {TIME_RANGES[r].label}
            </button>
          ))}
        </span>
      </div>
      {error ? (
        <p role="alert" style={styles.error}>
          {error.message}
        </p>
      ) : null}
      {!report ? (
        <p style={styles.muted}>Loading…</p>
      ) : (
        <>
          <dl style={styles.tiles}>
            {totalsFigures(report.totals).map((f) => (
              <div key={f.metric} style={styles.tile} data-metric={f.metric}>
                <dt style={styles.muted}>{f.label}</dt>
                <dd style={styles.tileValue}>{f.value}</dd>
              </div>
            ))}
          </dl>
          <div style={styles.charts}>
            {CHART_KINDS.map((kind) => (
              <InsightsChart key={kind} kind={kind} report={report} />
            ))}
          </div>
          <h3>Slowest steps</h3>
          {report.steps.length === 0 ? (
            <p style={styles.muted}>No steps ran in this range.</p>
          ) : (
            <table style={styles.table}>
              <thead>
                <tr>
                  {STEP_COLUMNS.map((c) => (
                    <th key={c} scope="col" style={styles.th}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.steps.map((s) => (
                  <tr key={`${s.workflow}/${s.step}`} data-step={s.step}>
                    {stepCells(s).map((c, i) => (
                      <td key={STEP_COLUMNS[i]} style={styles.td}>
                        {c}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Top errors</h3>
          {report.errors.length === 0 ? <p style={styles.muted}>No errors in this range.</p> : null}
          <ol>
            {report.errors.map((e) => (
              <li key={`${e.workflow}/${e.step ?? ''}/${e.message}`} data-count={e.count}>
                <span style={styles.error}>{e.message}</span>{' '}
                <span style={styles.muted}>
                  {errorWhere(e)} · runs:{' '}
                  {e.example_run_ids.map((id, i) => (
                    <span key={id}>
                      {i > 0 ? ', ' : ''}
                      {runHref ? (
                        <a href={runHref(id)} data-run-id={id} onClick={() => onSelectRun?.(id)}>
                          {id.slice(0, 8)}
                        </a>
                      ) : (
                        <button type="button" style={styles.link} data-run-id={id} onClick={() => onSelectRun?.(id)}>
                          {id.slice(0, 8)}
                        </button>
                      )}
                    </span>
                  ))}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
