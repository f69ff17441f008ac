// Everything of /ui that needs React. index.ts loads this module dynamically, so that a missing
// React is reported with a message that says so.
export { WorkflowDashboard } from './workflow-dashboard.js';
export { WorkflowInsights } from './workflow-insights.js';
export { FlowflareProvider } from './connection.js';
export { useWorkflowRuns, useWorkflowRun } from './hooks.js';
export { useWorkflowMetrics } from './use-workflow-metrics.js';
