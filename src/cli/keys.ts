import { Command, CommanderError, Option } from 'commander';
import { WorkflowClient } from '../client/index.js';
import { ROLES, type ApiKeyRecord, type KeyScopes } from '../shared/access.js';
import { FlowflareError, UserError } from '../shared/errors.js';
import { resolveConnection, type ConnectionFlags } from './connection.js';
import type { CliIo } from './io.js';

/** A client of the service with an admin key, found as every Flowflare command finds it. */
function connection(io: CliIo, flags: ConnectionFlags): WorkflowClient {
  const { url, apiKey } = resolveConnection(io, flags, 'admin key');
  return new WorkflowClient({ baseUrl: url, apiKey });
}

function row(k: ApiKeyRecord): string {
  const scope = k.scopes ? Object.entries(k.scopes).map(([what, list]) => `${what}=${(list as string[]).join(',')}`).join(' ') : 'all runs';
  const state = k.revoked_at ? `revoked ${k.revoked_at}` : k.expires_at ? `expires ${k.expires_at}` : 'active';
  return `${k.id}  ${k.prefix}…  ${k.role.padEnd(7)}  ${k.name}  (${scope}; ${state})`;
}

/**
 * `flowflare-setup keys create|list|revoke`: manages the service's API keys with its admin key.
 * @returns the exit code: 0 done, 1 a mistake the user can fix (one line on stderr)
 */
export async function runKeys(argv: readonly string[], io: CliIo): Promise<number> {
  const out = (text: string) => io.stdout.write(text);
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',').filter(Boolean)];
  let exit = 0;
  const program = new Command('flowflare-setup keys')
    .description("Manage the workflow service's API keys (needs its admin key).")
    .option('--url <url>', "the service (default: FLOWFLARE_URL, or the project's wrangler dev address)")
    .option('--key <key>', 'an admin key (default: FLOWFLARE_API_KEY, or SERVICE_API_KEY in .dev.vars)')
    .option('-c, --config <path>', 'wrangler config of the service project (default: the one wrangler finds)')
    .option('--json', 'print JSON')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (t) => io.stderr.write(t), outputError: (text, write) => write(`✘ ${text.trim().replace(/^error: /, '')} (see --help)\n`) });
  const flags = () => program.opts<ConnectionFlags & { json?: boolean }>();
  const print = (value: unknown, human: string) => out(flags().json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);

  program
    .command('create')
    .description('create a key; its secret is printed once')
    .requiredOption('--name <name>', 'who or what holds it')
    .addOption(new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory())
    .option('--workflow <name>', 'scope: only these workflows (repeatable)', collect)
    .option('--ref-type <type>', 'scope: only these ref_types (repeatable)', collect)
    .option('--expires-at <time>', 'ISO-8601 time after which it stops working')
    .action(async (o: { name: string; role: string; workflow?: string[]; refType?: string[]; expiresAt?: string }) => {
      const scopes: KeyScopes = { ...(o.workflow ? { workflows: o.workflow } : {}), ...(o.refType ? { ref_types: o.refType } : {}) };
      const created = await connection(io, flags()).createKey({
        name: o.name,
        role: o.role as (typeof ROLES)[number],
        scopes: Object.keys(scopes).length > 0 ? scopes : undefined,
        expires_at: o.expiresAt,
      });
      print(created, `${row(created)}\n\nKey (shown only now; keep it secret):\n${created.key}`);
    });
  program
    .command('list')
    .description('list the keys (no secrets)')
    .action(async () => {
      const { data } = await connection(io, flags()).listKeys();
      print(data, data.length === 0 ? 'No keys yet (SERVICE_API_KEY is the bootstrap key).' : data.map(row).join('\n'));
    });
  program
    .command('revoke')
    .description('revoke a key and the subscription tokens it minted')
    .argument('<id>', 'the key id (key_…)')
    .action(async (id: string) => {
      const revoked = await connection(io, flags()).revokeKey(id);
      print(revoked, `Revoked ${row(revoked)}`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof FlowflareError) {
      io.stderr.write(`✘ ${error.message}\n`);
      exit = 1;
    } else throw error;
  }
  return exit;
}
