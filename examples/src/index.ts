// The example workflow service: the REST API, live updates and the dashboard at `/`, with four
// example workflows. Everything a service Worker needs is in this file and wrangler.toml.
import { createWorkflowService } from '@biggidea/flowflare';
import type { Env } from './env.js';

export default createWorkflowService<Env>({
  // The dashboard is on by default at `/`; `dashboard: { path: '/flows' }` moves it, `false` turns it off.
  dashboard: { path: '/' },
});

export { WorkflowTracker } from '@biggidea/flowflare';
export { EmailCampaignWorkflow } from './workflows/email-campaign.js';
export { OrderWorkflow } from './workflows/order.js';
export { ApprovalWorkflow } from './workflows/approval.js';
export { NightlyReportWorkflow } from './workflows/nightly-report.js';
