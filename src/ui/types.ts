import type { TopicQuery } from '../browser/protocol.js';
import type { SubscriptionStatus } from '../browser/subscribe.js';
import type { RunView } from '../browser/run-view.js';
import type { MetricsQuery, MetricsReport } from '../shared/metrics.js';
import type { TimeRange } from './insights/ranges.js';

/** How the hooks and the dashboard reach the service's WebSocket. */
export interface FlowflareConnection {
  /** The service's WebSocket URL, e.g. `wss://flows.example.com/api/tracker-websocket`. */
  websocketUrl: string;
  /** A subscription token (from `POST /api/tokens` or `WorkflowClient.createSubscriptionToken`). */
  token?: string;
  /**
   * Gets a fresh token for a topic, typically from your own backend, which mints it with the API
   * key. Called at the first connect without `token` and whenever a token expired.
   */
  getToken?: (topic: TopicQuery) => string | Promise<string>;
  /**
   * Reads metrics for {@link useWorkflowMetrics} and `<WorkflowInsights>`: a `WorkflowClient`
   * (with a key of role `read` or more), or an object of your own whose `getMetrics` asks your
   * backend, which calls `GET /api/metrics` with the key.
   */
  client?: MetricsSource;
}

/** What reads the metrics report: `WorkflowClient` is one. */
export interface MetricsSource {
  getMetrics(query: MetricsQuery): Promise<MetricsReport>;
}

/**
 * What {@link useWorkflowMetrics} asks for: the metrics query's filters, and either a `range`
 * ending now (`1h`, `24h`, `7d`, `30d`, each with its bucket; moved on at every refresh) or
 * `from`/`to`/`bucket` as the REST API takes them.
 */
export interface WorkflowMetricsQuery extends MetricsQuery {
  /** A range ending now; ignored when `from` or `to` is given. @default '24h' */
  range?: TimeRange;
}

/** What {@link useWorkflowMetrics} returns. */
export interface WorkflowMetricsState {
  /** The latest report; `undefined` until the first one arrives. */
  report: MetricsReport | undefined;
  /** True while a read is under way. */
  loading: boolean;
  /** Why the last read failed, when it did. */
  error: Error | undefined;
  /** The live connection that triggers refreshes (`closed` without a WebSocket URL). */
  status: SubscriptionStatus;
  detail?: string;
  /** Reads the report again now. */
  refresh(): void;
}

/** What {@link useWorkflowRuns} returns. */
export interface WorkflowRunsState {
  /** The topic's runs, newest first, with their steps and attempts. */
  runs: RunView[];
  /** The connection: `connecting`, `live`, `reconnecting`, `unauthorized` or `closed`. */
  status: SubscriptionStatus;
  /** Why the connection is not live, when known. */
  detail?: string;
}

/** What {@link useWorkflowRun} returns. */
export interface WorkflowRunState {
  /** The run with its steps and attempts; `undefined` until it is known. */
  run: RunView | undefined;
  status: SubscriptionStatus;
  detail?: string;
}
