import { isWorkflowBinding } from '../shared/workflow-binding.js';
import { FlowflareError, NotFoundError } from '../shared/errors.js';
import { canonicalWorkflowName } from '../shared/workflow-name.js';
import type { ResolvedOptions } from './options.js';

/** The binding a workflow name is started through by default: `email_campaign` → `EMAIL_CAMPAIGN`. */
export function defaultBindingName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** The Workflow binding `env` has under `name` as an own property (never one of Object.prototype). */
function ownBinding(env: object, name: string): Workflow | null {
  if (!Object.hasOwn(env, name)) return null;
  const value = (env as Record<string, unknown>)[name];
  return isWorkflowBinding(value) ? value : null;
}

/** Names of the workflows this service can start: the explicit map plus every Workflow binding. */
export function knownWorkflowNames(env: object, options: ResolvedOptions): string[] {
  const names = new Set<string>();
  for (const [name, binding] of options.workflows) {
    if (ownBinding(env, binding)) names.add(name);
  }
  for (const [binding, value] of Object.entries(env)) {
    if (isWorkflowBinding(value)) names.add(binding.toLowerCase());
  }
  return [...names].sort();
}

/** The name of the binding a workflow name is started through (mapped, or by the default rule). */
export function workflowBindingName(name: string, options: ResolvedOptions): string {
  return options.workflows.get(canonicalWorkflowName(name)) ?? defaultBindingName(name);
}

/**
 * The Workflow binding a name is started through.
 * @throws NotFoundError listing the names that exist, when none matches
 */
export function workflowBinding(env: object, name: string, options: ResolvedOptions): Workflow {
  const bindingName = workflowBindingName(name, options);
  const binding = ownBinding(env, bindingName);
  if (binding) return binding;
  if (options.workflows.has(canonicalWorkflowName(name))) {
    throw new FlowflareError(
      'NOT_CONFIGURED',
      `Workflow '${name}' is mapped to binding ${bindingName}, which is not a Workflow binding of this Worker.`,
      { status: 503 },
    );
  }
  const known = knownWorkflowNames(env, options);
  throw new NotFoundError(
    `Unknown workflow '${name}'. Workflows this service can start: ${known.length > 0 ? known.join(', ') : '(none: add a [[workflows]] binding)'}.`,
  );
}
