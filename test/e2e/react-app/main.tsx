// A page of an app that uses @biggidea/flowflare/ui: the dashboard for everything, and a small
// component of its own built on useWorkflowRun; or, when the test asks for it, the insights of one
// business object. The test gives it the service URL, a way to get tokens and a way to read the
// metrics (as an app's backend would, with its key).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FlowflareProvider, useWorkflowRun, WorkflowDashboard, WorkflowInsights, type MetricsQuery, type MetricsReport, type TopicQuery } from '@biggidea/flowflare/ui';

declare global {
  interface Window {
    flowflareTest: { websocketUrl: string; watchRunId: string; insights?: { ref_type: string; ref_id: string } };
    mintToken(topic: TopicQuery): Promise<string>;
    readMetrics(query: MetricsQuery): Promise<MetricsReport>;
  }
}

function RunStatus({ runId }: { runId: string }) {
  const { run, status } = useWorkflowRun(runId);
  return (
    <p id="watched" data-connection={status} data-status={run?.status ?? ''}>
      Watched run: {run ? `${run.workflow_name} ${run.status}, ${run.steps.length} steps` : 'waiting…'}
    </p>
  );
}

const { websocketUrl, watchRunId, insights } = window.flowflareTest;
const getToken = (topic: TopicQuery) => window.mintToken(topic);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <h1>My app</h1>
    {insights ? (
      <FlowflareProvider websocketUrl={websocketUrl} getToken={getToken} client={{ getMetrics: (query) => window.readMetrics(query) }}>
        <WorkflowInsights filters={insights} runHref={(id) => `#/runs/${id}`} />
      </FlowflareProvider>
    ) : (
      <>
        <FlowflareProvider websocketUrl={websocketUrl} getToken={getToken}>
          <RunStatus runId={watchRunId} />
        </FlowflareProvider>
        <WorkflowDashboard websocketUrl={websocketUrl} getToken={getToken} topic={{ workflow: 'order' }} />
      </>
    )}
  </StrictMode>,
);
