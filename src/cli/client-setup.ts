import { basename } from 'node:path';
import { planClientConfig } from './client-plan.js';
import { editConfig } from './config-document.js';
import type { FileChange } from './file-changes.js';
import { CLIENT_API_KEY_NAME, DEFAULT_SERVICE_NAME, SERVICE_BINDING, workerNameSchema } from './names.js';
import { planGitignore } from './secrets.js';
import { choose, type ConfigTarget, type RolePlan, type SetupSession } from './session.js';
import { boundServiceName, readWranglerConfig } from './wrangler-config.js';

/**
 * Plans a client Worker's setup: the service binding and the tracker binding in its config, and
 * `.dev.vars` kept out of git for the API key. A client creates nothing in the account, so no
 * wrangler command runs.
 * @param announce called once the questions are answered
 */
export async function planClient(session: SetupSession, target: ConfigTarget, announce: () => void): Promise<RolePlan> {
  const { doc, projectDir } = target;
  const configName = basename(doc.path);
  const config = readWranglerConfig(doc.path, doc.data);
  const fallback = boundServiceName(config) ?? DEFAULT_SERVICE_NAME;
  const validate = (value: string) => workerNameSchema.safeParse(value).error?.issues[0]?.message ?? true;
  const serviceName = await choose(session, session.options.service, fallback, () =>
    session.prompter.input('Name of the workflow service Worker to bind to', fallback, validate),
  );
  announce();
  const plan = planClientConfig(config, serviceName, configName);
  const after = editConfig(doc, plan.edits);
  const configChange: FileChange | undefined =
    after === doc.text && !target.created
      ? undefined
      : { path: doc.path, before: target.created ? undefined : doc.text, after, backup: !target.created };
  const gitignore = await planGitignore(projectDir);
  const { database, workflows, remote } = session.options;
  const ignored = [database && '--database', workflows?.length && '--workflow', remote && '--remote'].filter(Boolean);
  const notes = ignored.length > 0 ? [`${ignored.join(', ')} set up the service; a client ignores them.`] : [];
  return {
    files: [configChange, gitignore].filter((c): c is FileChange => c !== undefined),
    commands: [],
    notes: [...plan.notes, ...notes],
    details: { service: serviceName },
    execute: async () => ({}),
    next: [
      `Local development: put the service's key in .dev.vars as ${CLIENT_API_KEY_NAME}=… ` +
        `(the value of SERVICE_API_KEY in the service's .dev.vars), and run the service with \`npx wrangler dev\` too.`,
      `Deployment: run \`npx wrangler secret put ${CLIENT_API_KEY_NAME}\` with the service's key.`,
      `In code: new WorkflowClient({ serviceBinding: env.${SERVICE_BINDING}, apiKey: env.${CLIENT_API_KEY_NAME} }).`,
    ],
  };
}
