/**
 * `@biggidea/flowflare/ui`: the React `WorkflowDashboard`, `WorkflowInsights` and live hooks, built on the browser
 * subscriber. React (18 or later) is an optional peer dependency: install it to use this entry.
 * @module
 */
import type * as Components from './components.js';

/** True when an import failed because the `react` package cannot be found. */
function reactIsMissing(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /(Cannot find (package|module)|Failed to resolve module specifier|Could not resolve)\s+['"]?react(\/jsx-runtime)?['"]?/i.test(message);
}

async function loadComponents(): Promise<typeof Components> {
  try {
    return await import('./components.js');
  } catch (error) {
    if (reactIsMissing(error)) {
      throw new Error(
        "@biggidea/flowflare/ui needs React, which is not installed. Install it with `npm install react react-dom` " +
          '(React is an optional peer dependency of @biggidea/flowflare, used only by /ui).',
        { cause: error },
      );
    }
    throw error;
  }
}

// Loaded at once (top-level await): the exports below are ready when the import resolves.
const components = await loadComponents();

/**
 * A live table of workflow runs with counts by status and each run's steps, attempts and errors.
 * @example
 * import { WorkflowDashboard } from '@biggidea/flowflare/ui';
 * <WorkflowDashboard websocketUrl="wss://your-worker.workers.dev/api/tracker-websocket" getToken={fetchToken} />
 */
export const WorkflowDashboard: typeof Components.WorkflowDashboard = components.WorkflowDashboard;

/** Gives the hooks below it the service's WebSocket URL and how to get tokens. */
export const FlowflareProvider: typeof Components.FlowflareProvider = components.FlowflareProvider;

/**
 * Follows a topic live: its runs and the connection's state.
 * @example
 * const { runs, status } = useWorkflowRuns({ workflow: 'email_campaign' });
 */
export const useWorkflowRuns: typeof Components.useWorkflowRuns = components.useWorkflowRuns;

/**
 * Follows one run live, with its steps and attempts.
 * @example
 * const { run } = useWorkflowRun(runId);
 */
export const useWorkflowRun: typeof Components.useWorkflowRun = components.useWorkflowRun;

/**
 * Throughput by outcome, failure rate and duration percentiles (uPlot charts), totals, the
 * slowest steps and the top errors over a time range, refreshed live.
 * @example
 * <WorkflowInsights client={client} websocketUrl={wsUrl} getToken={fetchToken} range="7d" />
 */
export const WorkflowInsights: typeof Components.WorkflowInsights = components.WorkflowInsights;

/**
 * Reads a metrics report and reads it again when a run inside its filters finishes.
 * @example
 * const { report } = useWorkflowMetrics({ workflow: 'order', range: '7d' }, { client });
 */
export const useWorkflowMetrics: typeof Components.useWorkflowMetrics = components.useWorkflowMetrics;

export type { WorkflowDashboardProps } from './workflow-dashboard.js';
export type { WorkflowInsightsProps } from './workflow-insights.js';
export { TIME_RANGES } from './insights/ranges.js';
export type { TimeRange } from './insights/ranges.js';
export type { MetricsBucket, MetricsCounts, MetricsPoint, MetricsQuery, MetricsReport, Percentiles, StepMetrics, TopError } from '../shared/metrics.js';
export type { FlowflareProviderProps } from './connection.js';
export type { FlowflareConnection, MetricsSource, WorkflowMetricsQuery, WorkflowMetricsState, WorkflowRunsState, WorkflowRunState } from './types.js';
export type { TopicQuery } from '../browser/protocol.js';
export type { SubscriptionStatus } from '../browser/subscribe.js';
export type { RunView } from '../browser/run-view.js';
export type { AttemptRecord, RunDetail, StepDetail } from '../shared/types.js';
