import { basename, dirname, relative } from 'node:path';
import { UserError } from '../shared/errors.js';
import { editConfig } from './config-document.js';
import { applyMigrations, createDatabase, findDatabase, type D1Database } from './d1.js';
import type { FileChange } from './file-changes.js';
import { planMigrationCopies } from './migrations.js';
import { createBucket } from './r2.js';
import { createQueue } from './queues.js';
import {
  API_KEY_NAME,
  DB_BINDING,
  DEFAULT_DATABASE_NAME,
  databaseNameSchema,
  parseWorkflowSpec,
  type WorkflowSpec,
} from './names.js';
import { planDevVars, planGitignore, putRemoteSecret, remoteSecretExists } from './secrets.js';
import { findStaticAssets } from './static-assets.js';
import { alertsDeadLetterQueue, PENDING_DATABASE_ID, planServiceConfig } from './service-plan.js';
import { choose, type ConfigTarget, type RolePlan, type SetupSession } from './session.js';
import { boundDatabaseName, readWranglerConfig, type WranglerConfig } from './wrangler-config.js';
import { WranglerError } from './wrangler-errors.js';
import { locateWrangler, type WranglerContext } from './wrangler.js';

/**
 * Plans the workflow service's setup: looks the database up (read-only), then lists the config edit,
 * the migration files, the API key in `.dev.vars` and the wrangler commands. Creating the database
 * waits for `prepare`, after the user has seen the plan.
 * @param announce called once the questions are answered, before wrangler runs
 */
export async function planService(session: SetupSession, target: ConfigTarget, announce: () => void): Promise<RolePlan> {
  const { options, io, reporter } = session;
  const { doc, projectDir } = target;
  const configName = basename(doc.path);
  const config = readWranglerConfig(doc.path, doc.data);
  if (options.service && config.name && options.service !== config.name) {
    throw new UserError(`${configName} names this Worker '${config.name}', but --service says '${options.service}'.`, {
      code: 'CONFIG_CONFLICT',
    });
  }
  const databaseName = await askDatabaseName(session, config);
  const workflows = await askWorkflows(session, config);
  const remote = await choose(session, options.remote, false, () =>
    session.prompter.confirm(
      `Also set up the deployed Worker (remote migrations, ${API_KEY_NAME} through wrangler secret put)?`,
      false,
    ),
  );

  announce();
  const assets = findStaticAssets(dirname(doc.path));
  const choices = { databaseName, workflows, configName, archiveBucket: options.archive, alertsQueue: options.alerts, assetsDirectory: assets.directory };
  // Conflicts in the config are found before anything asks the account.
  planServiceConfig(config, { ...choices, databaseId: undefined });

  const ctx: WranglerContext = {
    wrangler: locateWrangler(projectDir, io.env),
    cwd: projectDir,
    env: io.env,
    reporter,
    verbose: options.verbose,
  };
  const configArgs = ['--config', relative(projectDir, doc.path)];
  // A config that is not written yet cannot be handed to wrangler; a new one names no account anyway.
  const lookupArgs = target.created ? [] : configArgs;
  const lookupNotes: string[] = [];
  const existing = await findDatabase(ctx, databaseName, lookupArgs).catch((error: unknown) => {
    // A dry run still shows the plan when the account cannot be asked, assuming a new database.
    if (!(options.dryRun && error instanceof WranglerError)) throw error;
    lookupNotes.push(`Could not look the database up, so the plan assumes a new one: ${error.message}`);
    return undefined;
  });

  const configuredId = config.d1_databases?.find((db) => db.binding === DB_BINDING)?.database_id;
  if (!existing && configuredId !== undefined && lookupNotes.length === 0) {
    // Creating a second database under the same name would leave the config pointing at neither.
    throw new UserError(
      `${configName} gives ${DB_BINDING} the database_id ${configuredId}, but the account has no database named ` +
        `'${databaseName}': check the account wrangler uses (CLOUDFLARE_ACCOUNT_ID), or remove database_id to create it.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }

  const buildConfigChange = (databaseId: string | undefined) => {
    const plan = planServiceConfig(config, { ...choices, databaseId });
    const after = editConfig(doc, plan.edits);
    const change: FileChange | undefined =
      after === doc.text && !target.created
        ? undefined
        : { path: doc.path, before: target.created ? undefined : doc.text, after, backup: !target.created };
    return { plan, change };
  };
  const { plan, change: configChange } = buildConfigChange(existing?.uuid);
  const migrations = await planMigrationCopies(projectDir, plan.migrationsDir);
  const devVars = await planDevVars(projectDir, API_KEY_NAME);
  const gitignore = await planGitignore(projectDir);
  const otherFiles = [...migrations.changes, devVars.change, gitignore].filter((c): c is FileChange => c !== undefined);

  const alertQueues = options.alerts ? [options.alerts, alertsDeadLetterQueue(options.alerts)] : [];
  const commands: string[][] = [];
  if (!existing) commands.push(['d1', 'create', databaseName, '--update-config=false', ...lookupArgs]);
  commands.push(['d1', 'migrations', 'apply', 'DB', '--local', ...configArgs]);
  if (remote) {
    commands.push(['d1', 'migrations', 'apply', 'DB', '--remote', ...configArgs]);
    commands.push(['secret', 'put', API_KEY_NAME, ...configArgs]);
    if (options.archive) commands.push(['r2', 'bucket', 'create', options.archive, ...configArgs]);
    if (options.alerts) for (const queue of alertQueues) commands.push(['queues', 'create', queue, ...configArgs]);
  }

  let database: D1Database | undefined = existing;
  let created = false;
  const notes = [...lookupNotes, ...plan.notes, ...migrations.notes];
  if (!existing) notes.push(`The database id shows as ${PENDING_DATABASE_ID} until wrangler d1 create has run.`);
  if (!assets.found) {
    notes.push(`@biggidea/flowflare is not installed in this project: [assets] points at ${assets.directory}, which \`npm install @biggidea/flowflare\` creates.`);
  }

  return {
    files: [configChange, ...otherFiles].filter((c): c is FileChange => c !== undefined),
    commands,
    notes,
    details: {
      database: { name: databaseName, id: existing?.uuid ?? null, created: false },
      workflows: [...(config.workflows ?? []).map((w) => w.name), ...workflows.map((w) => w.name)].filter(
        (name, i, all) => all.indexOf(name) === i,
      ),
      apiKey: { local: devVars.created ? 'created' : 'kept', remote: remote ? 'kept' : 'not requested' },
      archive: options.archive ? { bucket: options.archive, created: false } : undefined,
      alerts: options.alerts ? { queue: options.alerts, dead_letter_queue: alertsDeadLetterQueue(options.alerts), created: [] } : undefined,
    },
    prepare: async () => {
      if (!database) {
        const result = await createDatabase(ctx, databaseName, lookupArgs);
        database = result.database;
        created = result.created;
      }
      const final = buildConfigChange(database.uuid).change;
      return [final, ...otherFiles].filter((c): c is FileChange => c !== undefined);
    },
    execute: async () => {
      const local = await applyMigrations(ctx, 'local', configArgs);
      let remoteApplied: string[] | null = null;
      let remoteKey: 'uploaded' | 'kept' | 'not requested' = 'not requested';
      if (remote) {
        remoteApplied = await applyMigrations(ctx, 'remote', configArgs);
        if (await remoteSecretExists(ctx, API_KEY_NAME, configArgs)) {
          remoteKey = 'kept';
        } else {
          await putRemoteSecret(ctx, API_KEY_NAME, devVars.key, configArgs);
          remoteKey = 'uploaded';
        }
      }
      // local R2 needs no bucket: wrangler dev keeps it in its local state
      const archiveCreated = remote && options.archive ? await createBucket(ctx, options.archive, configArgs) : false;
      // local Queues need no creating either: wrangler dev runs them in its own process
      const queuesCreated: string[] = [];
      if (remote) for (const queue of alertQueues) if (await createQueue(ctx, queue, configArgs)) queuesCreated.push(queue);
      return {
        database: { name: databaseName, id: database?.uuid ?? null, created },
        migrations: { local, remote: remoteApplied },
        apiKey: { local: devVars.created ? 'created' : 'kept', remote: remoteKey },
        archive: options.archive ? { bucket: options.archive, created: archiveCreated } : undefined,
        alerts: options.alerts ? { queue: options.alerts, dead_letter_queue: alertsDeadLetterQueue(options.alerts), created: queuesCreated } : undefined,
      };
    },
    next: [
      `Export WorkflowTracker and your Workflow classes from ${config.main ?? 'the Worker entry point'}, next to \`export default createWorkflowService()\`.`,
      `Run \`npx wrangler dev\`: ${API_KEY_NAME} is in .dev.vars (clients send it as \`Authorization: Bearer …\`).`,
      remote
        ? 'Deploy with `npx wrangler deploy`.'
        : 'Before deploying, run `npx flowflare-setup --remote` (remote migrations and the API key as a secret).',
    ],
  };
}

async function askDatabaseName(session: SetupSession, config: WranglerConfig): Promise<string> {
  const fallback = boundDatabaseName(config) ?? DEFAULT_DATABASE_NAME;
  const validate = (value: string) => databaseNameSchema.safeParse(value).error?.issues[0]?.message ?? true;
  return choose(session, session.options.database, fallback, () =>
    session.prompter.input('D1 database name', fallback, validate),
  );
}

async function askWorkflows(session: SetupSession, config: WranglerConfig): Promise<WorkflowSpec[]> {
  const parseList = (text: string) => text.split(',').filter((item) => item.trim()).map(parseWorkflowSpec);
  const fallback = (config.workflows ?? []).map((w) => w.name).join(', ');
  const validate = (text: string) => parseList(text).find((spec): spec is string => typeof spec === 'string') ?? true;
  const answer = await choose(session, session.options.workflows, [], async () => {
    const text = await session.prompter.input(
      'Workflows to bind, comma-separated (name or name=ClassName; empty for none)',
      fallback,
      validate,
    );
    return parseList(text).filter((spec): spec is WorkflowSpec => typeof spec !== 'string');
  });
  return answer;
}
