import { stripVTControlCharacters } from 'node:util';
import { z } from 'zod';
import { DB_BINDING } from './names.js';
import { runWrangler, type WranglerContext } from './wrangler.js';

/** A D1 database in the Cloudflare account. */
export interface D1Database {
  uuid: string;
  name: string;
}

const listSchema = z.array(z.looseObject({ uuid: z.string(), name: z.string() }));
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Looks a database up by name with `wrangler d1 list --json` (read-only).
 * @param configArgs `--config PATH` when the config exists on disk (it may name the account)
 */
export async function findDatabase(
  ctx: WranglerContext,
  name: string,
  configArgs: readonly string[],
): Promise<D1Database | undefined> {
  const args = ['d1', 'list', '--json', ...configArgs];
  const { stdout } = await runWrangler(ctx, args, {
    label: `Looking for the D1 database ${name}`,
    summarise: ({ stdout }) => {
      const found = parseList(stdout).find((db) => db.name === name);
      return found ? `Found the D1 database ${name} (${found.uuid})` : `No D1 database named ${name} yet`;
    },
  });
  return parseList(stdout).find((db) => db.name === name);
}

function parseList(stdout: string): D1Database[] {
  const text = stripVTControlCharacters(stdout);
  // wrangler may print a notice before the JSON; the array starts a line
  const start = text.search(/^\[/m);
  if (start === -1) throw new Error(`unexpected output from wrangler d1 list --json:\n${stdout}`);
  return listSchema.parse(JSON.parse(text.slice(start)));
}

/**
 * Creates a database with `wrangler d1 create`, leaving the config to this CLI (`--update-config=false`).
 * A database of that name that appeared meanwhile ("already exists") is looked up and reused.
 */
export async function createDatabase(
  ctx: WranglerContext,
  name: string,
  configArgs: readonly string[],
): Promise<{ database: D1Database; created: boolean }> {
  const args = ['d1', 'create', name, '--update-config=false', ...configArgs];
  const result = await runWrangler(ctx, args, {
    label: `Creating the D1 database ${name}`,
    summarise: ({ stdout }) => {
      const id = UUID.exec(stripVTControlCharacters(stdout))?.[0];
      return `Created the D1 database ${name}${id ? ` (${id})` : ''}`;
    },
    tolerate: (output) => (/already exists/i.test(output) ? `The D1 database ${name} already exists` : undefined),
  });
  const uuid = result.ok ? UUID.exec(stripVTControlCharacters(result.stdout))?.[0] : undefined;
  if (uuid) return { database: { uuid, name }, created: true };
  const database = await findDatabase(ctx, name, configArgs);
  if (!database) throw new Error(`wrangler d1 create ${name} succeeded but the database is not listed`);
  return { database, created: false };
}

/**
 * Applies the pending migrations of the `DB` binding with `wrangler d1 migrations apply`.
 * @returns the names of the migrations applied now (empty when the database was up to date)
 */
export async function applyMigrations(
  ctx: WranglerContext,
  where: 'local' | 'remote',
  configArgs: readonly string[],
): Promise<string[]> {
  const args = ['d1', 'migrations', 'apply', DB_BINDING, `--${where}`, ...configArgs];
  const { stdout } = await runWrangler(ctx, args, {
    label: `Applying migrations to the ${where} database`,
    summarise: ({ stdout }) => {
      const applied = appliedMigrations(stdout);
      return applied.length === 0
        ? `The ${where} database is up to date`
        : `Applied ${applied.join(', ')} to the ${where} database`;
    },
  });
  return appliedMigrations(stdout);
}

/** Names in wrangler's result table marked ✅, such as `│ 0001_initial.sql │ ✅ │`. */
function appliedMigrations(stdout: string): string[] {
  const names = new Set<string>();
  for (const line of stripVTControlCharacters(stdout).split('\n')) {
    const match = /│\s*(\S+\.sql)\s*│\s*✅/.exec(line);
    if (match) names.add(match[1]!);
  }
  return [...names];
}
