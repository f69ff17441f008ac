import type { WorkflowClient } from '../../../src/client/index.js';
import { waitForRun } from './service.js';

/**
 * Starts, for one business object, a run that completes, one that errors and one that is
 * terminated, and waits until each has its outcome.
 * @returns the three runs' ids
 */
export async function startOutcomes(client: WorkflowClient, ref: { ref_type: string; ref_id: string }): Promise<{ completed: string; errored: string; terminated: string }> {
  const completed = await client.startWorkflow('email_campaign', { recipients: [], subject: 'done', body: '' }, ref.ref_id, ref.ref_type);
  // a string has no .filter: the validation step throws on every attempt and the run errors
  const errored = await client.startWorkflow('email_campaign', { recipients: 'not-a-list', subject: 'broken', body: '' }, ref.ref_id, ref.ref_type);
  const terminated = await client.startWorkflow('nightly_report', { sleepSeconds: 600 }, ref.ref_id, ref.ref_type);
  await waitForRun(client, terminated.workflowId, ['Sleeping']);
  await client.terminateRun(terminated.workflowId);
  await waitForRun(client, completed.workflowId, ['Completed']);
  await waitForRun(client, terminated.workflowId, ['Terminated']);
  await waitForRun(client, errored.workflowId, ['Errored'], 60_000);
  return { completed: completed.workflowId, errored: errored.workflowId, terminated: terminated.workflowId };
}
