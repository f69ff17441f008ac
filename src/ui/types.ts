import type { TopicQuery } from '../browser/protocol.js';
import type { SubscriptionStatus } from '../browser/subscribe.js';
import type { RunView } from '../browser/run-view.js';

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
