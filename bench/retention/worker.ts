// The workflow service with the retention policy the simulated year measures.
import { createWorkflowService } from '../../src/index.js';

export { WorkflowTracker } from '../../src/index.js';

/** The policy under test: completed runs 30 days, errored and terminated 90, the live log 7. */
export default createWorkflowService({
  retention: { completed: '30 days', errored: '90 days', terminated: '90 days', events: '7 days' },
});
