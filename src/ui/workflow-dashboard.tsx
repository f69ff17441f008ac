import { Fragment, useState } from 'react';
import type { TopicQuery } from '../browser/protocol.js';
import type { RunView } from '../browser/run-view.js';
import { RUN_STATUSES } from '../shared/status.js';
import { useWorkflowRuns } from './hooks.js';
import { RunSteps } from './run-steps.js';
import { badgeStyle, styles } from './styles.js';
import type { FlowflareConnection } from './types.js';

/** Props of {@link WorkflowDashboard}. */
export interface WorkflowDashboardProps extends FlowflareConnection {
  /** What to show: `'all'`, `{ run_id }`, `{ workflow }` or `{ ref_type, ref_id }`. @default 'all' */
  topic?: TopicQuery;
  /** Called when a run is opened; the dashboard also shows its steps under it. */
  onSelectRun?: (run: RunView) => void;
  className?: string;
}

const CONNECTION_LABELS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', unauthorized: 'Not authorized', closed: 'Offline' };

/**
 * A live table of workflow runs: counts by status, each run's status, reference and times, and
 * its steps, attempts and errors on demand. Read-only; it needs only a subscription token.
 * @example
 * <WorkflowDashboard
 *   websocketUrl="wss://your-worker.workers.dev/api/tracker-websocket"
 *   getToken={() => fetch('/api/flowflare-token').then((r) => r.text())}
 * />
 */
export function WorkflowDashboard({ topic = 'all', onSelectRun, className, ...connection }: WorkflowDashboardProps) {
  const { runs, status, detail } = useWorkflowRuns(topic, connection);
  const [open, setOpen] = useState<string | null>(null);
  const counts = RUN_STATUSES.map((s) => [s, runs.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);

  return (
    <section className={className} style={styles.root} aria-label="Workflow runs" data-flowflare-dashboard="">
      <div style={styles.bar}>
        <span role="status" data-connection={status} title={detail} style={badgeStyle(status === 'live' ? 'Completed' : status === 'unauthorized' ? 'Errored' : 'Waiting')}>
          {CONNECTION_LABELS[status]}
        </span>
        <span data-count="all">{runs.length} runs</span>
        {counts.map(([s, n]) => (
          <span key={s} data-count={s} style={badgeStyle(s)}>
            {s} {n}
          </span>
        ))}
      </div>
      {runs.length === 0 ? (
        <p style={styles.muted}>{status === 'unauthorized' ? `Not authorized: ${detail ?? 'the service refused the connection'}` : 'No runs yet.'}</p>
      ) : (
        <table style={styles.table}>
          <thead>
            <tr>
              {['Status', 'Workflow', 'Reference', 'Started', 'Steps'].map((h) => (
                <th key={h} scope="col" style={styles.th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <Fragment key={run.id}>
                <tr data-run-id={run.id} data-status={run.status}>
                  <td style={styles.td}>
                    <span style={badgeStyle(run.status)}>{run.status}</span>
                  </td>
                  <td style={styles.td}>
                    <button
                      type="button"
                      style={styles.link}
                      aria-expanded={open === run.id}
                      onClick={() => {
                        setOpen(open === run.id ? null : run.id);
                        onSelectRun?.(run);
                      }}
                    >
                      {run.workflow_name}
                    </button>
                  </td>
                  <td style={styles.td}>{run.ref_type || run.ref_id ? `${run.ref_type ?? ''}:${run.ref_id ?? ''}` : '—'}</td>
                  <td style={styles.td}>{new Date(run.started_at ?? run.created_at).toLocaleTimeString()}</td>
                  <td style={styles.td}>{run.steps.length}</td>
                </tr>
                {open === run.id ? (
                  <tr>
                    <td colSpan={5}>
                      <RunSteps run={run} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
