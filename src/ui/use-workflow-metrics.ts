import { useCallback, useEffect, useRef, useState } from 'react';
import { subscribe, type SubscriptionStatus } from '../browser/subscribe.js';
import type { MetricsReport } from '../shared/metrics.js';
import { useConnection, useMetricsSource } from './connection.js';
import { debounced, endsRunInside, topicOfFilters } from './insights/live.js';
import { DEFAULT_RANGE, rangeWindow } from './insights/ranges.js';
import type { FlowflareConnection, WorkflowMetricsQuery, WorkflowMetricsState } from './types.js';

/** The REST query of a hook's query: a range becomes `from`, `to` and `bucket` ending now. */
function restQuery({ range, ...query }: WorkflowMetricsQuery) {
  if (query.from !== undefined || query.to !== undefined) return query;
  return { ...query, ...rangeWindow(range ?? DEFAULT_RANGE) };
}

/**
 * Reads a metrics report (`GET /api/metrics` through `client`) and reads it again, debounced by a
 * second, whenever a run inside the query's filters reaches Completed, Errored or Terminated on
 * the live connection (when it has a WebSocket URL).
 * @param query filters and a `range` (`1h`, `24h`, `7d`, `30d`) or `from`/`to`/`bucket`
 * @param connection `client`, and the WebSocket URL and token, when there is no {@link FlowflareProvider}
 * @example
 * const { report } = useWorkflowMetrics({ workflow: 'order', range: '7d' }, { client });
 * return <p>{report ? `${report.totals.completed} orders completed` : 'Loading…'}</p>;
 */
export function useWorkflowMetrics(query: WorkflowMetricsQuery = {}, connection?: Partial<FlowflareConnection>): WorkflowMetricsState {
  const source = useMetricsSource(connection);
  const live = useConnection(connection);
  const [report, setReport] = useState<MetricsReport | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [socket, setSocket] = useState<{ status: SubscriptionStatus; detail?: string }>({ status: live ? 'connecting' : 'closed' });
  // the latest source and token getter, without reading again when the caller passes new objects each render
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const getToken = useRef(live?.getToken);
  getToken.current = live?.getToken;
  const queryKey = JSON.stringify(query);
  const read = useRef<() => void>(() => undefined);

  useEffect(() => {
    let stopped = false;
    const wanted = JSON.parse(queryKey) as WorkflowMetricsQuery;
    read.current = () => {
      const current = sourceRef.current;
      if (!current) {
        setLoading(false);
        setError(new Error('no client: pass one (a WorkflowClient or an object with getMetrics) or put it in <FlowflareProvider client>'));
        return;
      }
      setLoading(true);
      current.getMetrics(restQuery(wanted)).then(
        (next) => {
          if (stopped) return;
          setReport(next);
          setError(undefined);
          setLoading(false);
        },
        (failure: unknown) => {
          if (stopped) return;
          setError(failure instanceof Error ? failure : new Error(String(failure)));
          setLoading(false);
        },
      );
    };
    read.current();
    return () => {
      stopped = true;
    };
  }, [queryKey]);

  const url = live?.websocketUrl;
  const token = live?.token;
  const hasGetToken = Boolean(live?.getToken);
  useEffect(() => {
    if (!url) {
      setSocket({ status: 'closed', detail: 'no websocketUrl: the report is not refreshed live' });
      return undefined;
    }
    const filters = JSON.parse(queryKey) as WorkflowMetricsQuery;
    const topic = topicOfFilters(filters);
    const refresh = debounced(() => read.current());
    const subscription = subscribe({
      url,
      token,
      topic,
      getToken: hasGetToken ? () => getToken.current!(topic) : undefined,
      // a fresh start (first connect, or a resume the log could not serve) may have missed runs
      onInitialData: () => refresh.schedule(),
      onUpdate: (event) => endsRunInside(event, filters) && refresh.schedule(),
      onStatus: (status, detail) => setSocket({ status, ...(detail === undefined ? {} : { detail }) }),
    });
    return () => {
      refresh.cancel();
      subscription.close();
    };
  }, [url, token, hasGetToken, queryKey]);

  const refresh = useCallback(() => read.current(), []);
  return { report, loading, error, status: socket.status, ...(socket.detail === undefined ? {} : { detail: socket.detail }), refresh };
}
