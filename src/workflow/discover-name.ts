import { isWorkflowBinding } from '../shared/workflow-binding.js';

/**
 * Finds the name of the workflow an instance belongs to by asking each Workflow binding in `env`
 * for the instance: `EMAIL_CAMPAIGN` owning it gives `email_campaign`, the name the service starts
 * it by. Used once per run, only when a run is first recorded without a `workflow_name`.
 * @returns the name, or `null` when no binding knows the instance
 */
export async function discoverWorkflowName(env: unknown, instanceId: string): Promise<string | null> {
  if (typeof env !== 'object' || env === null) return null;
  for (const [binding, value] of Object.entries(env)) {
    if (!isWorkflowBinding(value)) continue;
    try {
      await value.get(instanceId);
      return binding.toLowerCase();
    } catch {
      // not this binding's instance
    }
  }
  return null;
}

