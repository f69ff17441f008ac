// A page of an app that uses @biggidea/flowflare/ui: the dashboard for everything, and a small
// component of its own built on useWorkflowRun. The test gives it the service URL and a way to
// get tokens (as an app's backend would mint them).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FlowflareProvider, useWorkflowRun, WorkflowDashboard, type TopicQuery } from '@biggidea/flowflare/ui';

declare global {
  interface Window {
    flowflareTest: { websocketUrl: string; watchRunId: string };
    mintToken(topic: TopicQuery): Promise<string>;
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

const { websocketUrl, watchRunId } = window.flowflareTest;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <h1>My app</h1>
    <FlowflareProvider websocketUrl={websocketUrl} getToken={(topic) => window.mintToken(topic)}>
      <RunStatus runId={watchRunId} />
    </FlowflareProvider>
    <WorkflowDashboard websocketUrl={websocketUrl} getToken={(topic) => window.mintToken(topic)} topic={{ workflow: 'order' }} />
  </StrictMode>,
);
