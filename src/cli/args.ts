import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { UserError } from '../shared/errors.js';
import { bucketNameSchema, databaseNameSchema, DEFAULT_ALERTS_QUEUE, queueNameSchema, parseWorkflowSpec, workerNameSchema, type WorkflowSpec } from './names.js';

/** The role of the Worker being set up. */
export type Role = 'service' | 'client';

/** What the command line asked for; unset fields are asked for, or defaulted with `--yes`. */
export interface SetupOptions {
  config: string | undefined;
  role: Role | undefined;
  database: string | undefined;
  /** An R2 bucket to archive pruned runs to (bound as ARCHIVE); undefined: none. */
  archive: string | undefined;
  /** A Queue for alerts (producer ALERTS, consumer, dead-letter queue); undefined: none. */
  alerts: string | undefined;
  service: string | undefined;
  name: string | undefined;
  workflows: WorkflowSpec[] | undefined;
  format: 'toml' | 'jsonc' | undefined;
  /** true: also set up the deployed side; false: local only; undefined: ask. */
  remote: boolean | undefined;
  yes: boolean;
  dryRun: boolean;
  json: boolean;
  verbose: boolean;
}

/** Parsed arguments: options to run with, or an exit code when commander already answered (help, version, error). */
export type ParsedArgs = { kind: 'run'; options: SetupOptions } | { kind: 'exit'; code: number };

const EXAMPLES = `
Examples:
  $ npx flowflare-setup
      Ask what to set up, show the changes, and apply them once confirmed.
  $ npx flowflare-setup --role service --workflow email_campaign --yes
      Set up this Worker as the workflow service with the database flowflare_db, no questions.
  $ npx flowflare-setup --role service --workflow email_campaign=EmailCampaignWorkflow --remote --yes
      Also apply the migrations to the remote database and upload SERVICE_API_KEY as a secret.
  $ npx flowflare-setup --role client --service workflow-service --yes
      Bind this Worker to the workflow service named workflow-service.
  $ npx flowflare-setup --dry-run
      Show the config diff and the wrangler commands; change nothing.
  $ npx flowflare-setup --json --yes
      Print a machine-readable summary on stdout.
  $ npx flowflare-setup keys create --url https://workflow-service.example.workers.dev --name support --role read
      Create an API key with a role (also: keys list, keys revoke ID; see keys --help).

Running setup again changes nothing that is already in place.`;

const optionsSchema = z.object({
  config: z.string().min(1).optional(),
  role: z.enum(['service', 'client']).optional(),
  database: databaseNameSchema.optional(),
  archive: bucketNameSchema.optional(),
  alerts: z.union([z.literal(true), queueNameSchema]).optional(),
  service: workerNameSchema.optional(),
  name: workerNameSchema.optional(),
  workflow: z.array(z.string()).optional(),
  format: z.enum(['toml', 'jsonc']).optional(),
  local: z.boolean().optional(),
  remote: z.boolean().optional(),
  yes: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
});

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function buildProgram(write: { out: (text: string) => void; err: (text: string) => void }): Command {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',')];
  return new Command('flowflare-setup')
    .description(
      'Set up Flowflare in a Worker: create or reuse the D1 database, apply the migrations and add the bindings to the wrangler config.',
    )
    .version(packageVersion(), '-V, --version')
    .option('-c, --config <path>', 'wrangler config to edit (default: wrangler.json, wrangler.jsonc or wrangler.toml, as wrangler finds it)')
    .addOption(new Option('--role <role>', 'service: this Worker runs the workflows; client: it binds to the service').choices(['service', 'client']))
    .option('--database <name>', 'D1 database of the service (default: flowflare_db, or the one DB is bound to)')
    .option('--archive <bucket>', 'bind an R2 bucket as ARCHIVE: retention archives runs there before deleting them (created with --remote)')
    .option('--alerts [queue]', `bind a Queue for alert rules as ALERTS, with its consumer and a dead-letter queue (default ${DEFAULT_ALERTS_QUEUE}; created with --remote)`)
    .option('--service <name>', 'name of the workflow service Worker (default: workflow-service)')
    .option('--name <name>', 'name of the Worker when setup creates its config (for the service, --service names it)')
    .option('--workflow <name[=Class]>', 'a Workflow to bind in the service, repeatable (class defaults to EmailCampaignWorkflow for email_campaign)', collect)
    .addOption(new Option('--format <format>', 'format of a config setup creates').choices(['toml', 'jsonc']))
    .option('--local', 'set up local development only: local migrations, key in .dev.vars (default)')
    .option('--remote', 'also apply the migrations to the remote database and upload SERVICE_API_KEY with wrangler secret put')
    .option('-y, --yes', 'ask nothing: take every answer from the flags or the defaults')
    .option('--dry-run', 'show the config diff and the wrangler commands, change nothing')
    .option('--json', 'print a machine-readable summary on stdout (progress goes to stderr)')
    .option('--verbose', "show wrangler's own output")
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      // one line in the same shape as every other user error
      outputError: (text, out) => out(`✘ ${text.trim().replace(/^error: /, '')} (see --help)\n`),
    });
}

/**
 * Parses `argv` as `process.argv` holds it (node, script, arguments…).
 * @throws UserError for a value that fails validation, such as an invalid Worker name
 */
export function parseArgs(argv: readonly string[], write: { out: (text: string) => void; err: (text: string) => void }): ParsedArgs {
  const program = buildProgram(write);
  try {
    program.parse([...argv], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode };
    throw error;
  }
  const result = optionsSchema.safeParse(program.opts());
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UserError(`--${String(issue.path[0])}: ${issue.message}`, { code: 'BAD_FLAG' });
  }
  const raw = result.data;
  if (raw.local && raw.remote) throw new UserError('--local and --remote exclude each other.', { code: 'BAD_FLAG' });
  let workflows: WorkflowSpec[] | undefined;
  if (raw.workflow) {
    workflows = [];
    for (const text of raw.workflow.filter((w) => w.trim())) {
      const spec = parseWorkflowSpec(text);
      if (typeof spec === 'string') throw new UserError(`--workflow: ${spec}`, { code: 'BAD_FLAG' });
      workflows.push(spec);
    }
  }
  return {
    kind: 'run',
    options: {
      config: raw.config,
      role: raw.role,
      database: raw.database,
      archive: raw.archive,
      alerts: raw.alerts === true ? DEFAULT_ALERTS_QUEUE : raw.alerts,
      service: raw.service,
      name: raw.name,
      workflows,
      format: raw.format,
      remote: raw.remote ? true : raw.local ? false : undefined,
      yes: raw.yes ?? false,
      dryRun: raw.dryRun ?? false,
      json: raw.json ?? false,
      verbose: raw.verbose ?? false,
    },
  };
}
