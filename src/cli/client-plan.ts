import { UserError } from '../shared/errors.js';
import type { ConfigEdit } from './config-document.js';
import { SERVICE_BINDING, TRACKER_BINDING, TRACKER_CLASS } from './names.js';
import type { ConfigPlan } from './service-plan.js';
import type { WranglerConfig } from './wrangler-config.js';

/**
 * Plans a client Worker's config: a service binding `WORKFLOW_SERVICE` to the workflow service and a
 * `WORKFLOW_TRACKER` Durable Object binding that names the service as `script_name`. A client owns
 * no Durable Object class, so it gets no migration.
 */
export function planClientConfig(config: WranglerConfig, serviceName: string, configName: string): ConfigPlan {
  const edits: ConfigEdit[] = [];
  const service = config.services?.find((s) => s.binding === SERVICE_BINDING);
  if (service && service.service !== serviceName) {
    throw new UserError(
      `${configName} already binds ${SERVICE_BINDING} to the Worker '${service.service}': ` +
        `pass --service ${service.service} to keep it.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  if (!service) {
    edits.push({
      op: 'append',
      path: ['services'],
      value: { binding: SERVICE_BINDING, service: serviceName },
      comment: 'Flowflare: the workflow service, reached through a service binding',
    });
  }
  const binding = { name: TRACKER_BINDING, class_name: TRACKER_CLASS, script_name: serviceName };
  const tracker = config.durable_objects?.bindings?.find((b) => b.name === TRACKER_BINDING);
  if (tracker && tracker.script_name === undefined) {
    throw new UserError(
      `${configName} binds ${TRACKER_BINDING} to its own class, as the service does: run with --role service, ` +
        `or remove that binding to make this Worker a client.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  if (tracker && tracker.script_name !== serviceName) {
    throw new UserError(
      `${configName} binds ${TRACKER_BINDING} to the Worker '${tracker.script_name}': pass --service ${tracker.script_name} to keep it.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  if (!tracker) {
    if (!config.durable_objects) {
      edits.push({
        op: 'set',
        path: ['durable_objects'],
        value: { bindings: [binding] },
        comment: "Flowflare: the service's WorkflowTracker, for live updates",
      });
    } else {
      edits.push({ op: 'append', path: ['durable_objects', 'bindings'], value: binding });
    }
  }
  return { edits, notes: [] };
}
