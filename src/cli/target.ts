import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Role } from './args.js';
import { findConfig, isFile } from './config-discovery.js';
import { formatOf, parseConfig } from './config-document.js';
import { DEFAULT_SERVICE_NAME, workerNameSchema } from './names.js';
import { SetupCancelled, type Choice } from './prompts.js';
import { choose, type ConfigTarget, type SetupSession } from './session.js';
import { findStaticAssets } from './static-assets.js';
import { renderTemplate } from './templates.js';
import { detectRole, readWranglerConfig } from './wrangler-config.js';

const ROLE_CHOICES: Choice<Role>[] = [
  {
    name: 'Workflow service',
    value: 'service',
    description: 'This Worker runs the Workflows, owns the D1 database and exports WorkflowTracker.',
  },
  {
    name: 'Client',
    value: 'client',
    description: 'This Worker starts and reads workflows through the service, by its name.',
  },
];

/**
 * Finds (or plans to create) the config to set up and settles the Worker's role: `--config`, else
 * the file wrangler would pick; when there is none, a new one from the role's template.
 * @throws UserError when the config does not parse
 * @throws SetupCancelled when the user declines to create a config
 */
export async function resolveTarget(session: SetupSession): Promise<ConfigTarget> {
  const { options, io, prompter } = session;
  const explicit = options.config === undefined ? undefined : resolve(io.cwd, options.config);
  const found = explicit ?? findConfig(io.cwd);
  if (found !== undefined && isFile(found)) {
    const doc = parseConfig(found, await readFile(found, 'utf8'));
    const detected = detectRole(readWranglerConfig(found, doc.data));
    const role = await choose(session, options.role, detected ?? 'service', () =>
      prompter.select('What does this Worker do?', ROLE_CHOICES, detected ?? 'service'),
    );
    return { doc, projectDir: dirname(found), created: false, role };
  }

  const role = await choose(session, options.role, 'service', () =>
    prompter.select('No wrangler config found. What will this Worker do?', ROLE_CHOICES, 'service'),
  );
  const format = explicit
    ? formatOf(explicit)
    : await choose(session, options.format, 'toml', () =>
        prompter.select(
          'Which config format?',
          [
            { name: 'wrangler.toml', value: 'toml' as const },
            { name: 'wrangler.jsonc', value: 'jsonc' as const },
          ],
          'toml',
        ),
      );
  const path = explicit ?? join(io.cwd, `wrangler.${format}`);
  const create = await choose(session, undefined, true, () =>
    prompter.confirm(`Create ${basename(path)} in ${dirname(path)} from Flowflare's ${role} template?`, true),
  );
  if (!create) throw new SetupCancelled();
  const name = await workerName(session, role, dirname(path));
  const text = await renderTemplate(role, format === 'toml' ? 'toml' : 'jsonc', name, findStaticAssets(dirname(path)).directory);
  return { doc: parseConfig(path, text), projectDir: dirname(path), created: true, role };
}

async function workerName(session: SetupSession, role: Role, dir: string): Promise<string> {
  const validate = (value: string) => workerNameSchema.safeParse(value).error?.issues[0]?.message ?? true;
  if (role === 'service') {
    return choose(session, session.options.service ?? session.options.name, DEFAULT_SERVICE_NAME, () =>
      session.prompter.input('Name of the workflow service Worker', DEFAULT_SERVICE_NAME, validate),
    );
  }
  const fromFolder = basename(dir).toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  const fallback = workerNameSchema.safeParse(fromFolder).success ? fromFolder : 'my-worker';
  return choose(session, session.options.name, fallback, () =>
    session.prompter.input('Name of this Worker', fallback, validate),
  );
}
