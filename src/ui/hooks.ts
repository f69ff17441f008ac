import { useEffect, useRef, useState } from 'react';
import type { TopicQuery } from '../browser/protocol.js';
import { subscribe } from '../browser/subscribe.js';
import { useConnection } from './connection.js';
import type { FlowflareConnection, WorkflowRunsState, WorkflowRunState } from './types.js';

/**
 * Follows a topic live: its runs (newest first, with steps and attempts) and the connection's
 * state. Reconnects, resumes and renews tokens by itself (it is the browser subscriber).
 * @param topic `'all'`, `{ run_id }`, `{ workflow }` or `{ ref_type, ref_id }` @default 'all'
 * @param connection the WebSocket URL and token, when there is no {@link FlowflareProvider}
 * @example
 * const { runs, status } = useWorkflowRuns({ ref_type: 'campaign', ref_id: 'campaign-123' });
 */
export function useWorkflowRuns(topic: TopicQuery = 'all', connection?: Partial<FlowflareConnection>): WorkflowRunsState {
  const resolved = useConnection(connection);
  const [state, setState] = useState<WorkflowRunsState>({ runs: [], status: resolved ? 'connecting' : 'closed' });
  // The latest getToken without reconnecting when the caller passes a new function each render.
  const getToken = useRef(resolved?.getToken);
  getToken.current = resolved?.getToken;
  const topicKey = JSON.stringify(topic);
  const url = resolved?.websocketUrl;
  const token = resolved?.token;
  const hasGetToken = Boolean(resolved?.getToken);

  useEffect(() => {
    if (!url) {
      setState({ runs: [], status: 'closed', detail: 'no websocketUrl: pass one or wrap the component in <FlowflareProvider>' });
      return undefined;
    }
    const followed = JSON.parse(topicKey) as TopicQuery;
    setState({ runs: [], status: 'connecting' });
    const subscription = subscribe({
      url,
      token,
      topic: followed,
      getToken: hasGetToken ? () => getToken.current!(followed) : undefined,
      onInitialData: (_data, runs) => setState((s) => ({ ...s, runs })),
      onUpdate: (_event, runs) => setState((s) => ({ ...s, runs })),
      onStatus: (status, detail) => setState((s) => ({ ...s, status, detail })),
    });
    return () => subscription.close();
  }, [url, token, hasGetToken, topicKey]);

  return state;
}

/**
 * Follows one run live, with its steps and attempts.
 * @example
 * const { run } = useWorkflowRun(runId);
 * return <p>{run ? run.status : 'Loading…'}</p>;
 */
export function useWorkflowRun(runId: string, connection?: Partial<FlowflareConnection>): WorkflowRunState {
  const { runs, status, detail } = useWorkflowRuns({ run_id: runId }, connection);
  return { run: runs.find((r) => r.id === runId), status, detail };
}
