import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { FileChange } from './file-changes.js';
import { runWrangler, type WranglerContext } from './wrangler.js';

/** A new API key: 32 random bytes (256 bits), base64url, safe in headers and `.dev.vars`. */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The value of `name` in `.dev.vars`-style text, if it is set there. */
export function readDevVar(text: string, name: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== name) continue;
    const value = match[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    return quoted ? quoted[2] : value;
  }
  return undefined;
}

/** The API key for local development and, when it is new, the `.dev.vars` change that stores it. */
export interface DevVarsPlan {
  key: string;
  created: boolean;
  change: FileChange | undefined;
}

/**
 * Keeps the service's API key in `.dev.vars` (which `wrangler dev` reads and git should not see):
 * an existing key is reused, otherwise a new one is appended. The change's summary never shows it.
 */
export async function planDevVars(projectDir: string, name: string): Promise<DevVarsPlan> {
  const path = join(projectDir, '.dev.vars');
  const before = await readFile(path, 'utf8').catch(() => undefined);
  const existing = before === undefined ? undefined : readDevVar(before, name);
  if (existing) return { key: existing, created: false, change: undefined };
  const key = generateApiKey();
  const separator = before === undefined || before === '' || before.endsWith('\n') ? '' : '\n';
  const after = `${before ?? ''}${separator}# Flowflare: the key clients send to the workflow service (keep this file out of git)\n${name}=${key}\n`;
  const summary = `${before === undefined ? '' : 'adds '}${name}=<new ${key.length}-character key>`;
  return { key, created: true, change: { path, before, after, summary } };
}

/**
 * Adds `.dev.vars` to the project's `.gitignore` unless a rule there already ignores it.
 * @returns the change, or undefined when git already ignores the file
 */
export async function planGitignore(projectDir: string): Promise<FileChange | undefined> {
  const path = join(projectDir, '.gitignore');
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before !== undefined && ignoresDevVars(before)) return undefined;
  const separator = before === undefined || before === '' || before.endsWith('\n') ? '' : '\n';
  const after = `${before ?? ''}${separator}# local secrets for wrangler dev\n.dev.vars\n`;
  return { path, before, after };
}

/** Whether `.gitignore` rules (last match wins, `!` re-includes) ignore `.dev.vars` at the root. */
function ignoresDevVars(gitignore: string): boolean {
  let ignored = false;
  for (const raw of gitignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\//, '').replace(/\/$/, '');
    if (pattern.includes('/')) continue;
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    if (regex.test('.dev.vars')) ignored = !negated;
  }
  return ignored;
}

const secretListSchema = z.array(z.looseObject({ name: z.string() }));

/**
 * Whether the deployed Worker already has the secret (`wrangler secret list`). A Worker that does
 * not exist yet has none.
 */
export async function remoteSecretExists(ctx: WranglerContext, name: string, configArgs: readonly string[]): Promise<boolean> {
  const result = await runWrangler(ctx, ['secret', 'list', '--format', 'json', ...configArgs], {
    label: `Checking the deployed Worker's secrets`,
    summarise: ({ stdout }) => (hasSecret(stdout, name) ? `The deployed Worker already has ${name}` : undefined),
    tolerate: (output) => (/not found/i.test(output) ? 'The Worker is not deployed yet' : undefined),
  });
  return result.ok && hasSecret(result.stdout, name);
}

function hasSecret(stdout: string, name: string): boolean {
  const start = stdout.search(/^\[/m);
  if (start === -1) throw new Error(`unexpected output from wrangler secret list:\n${stdout}`);
  return secretListSchema.parse(JSON.parse(stdout.slice(start))).some((secret) => secret.name === name);
}

/**
 * Uploads a secret with `wrangler secret put`, passing the value on standard input so it never
 * appears in a process listing. Wrangler creates the Worker as a draft if it is not deployed yet.
 */
export async function putRemoteSecret(
  ctx: WranglerContext,
  name: string,
  value: string,
  configArgs: readonly string[],
): Promise<void> {
  await runWrangler(ctx, ['secret', 'put', name, ...configArgs], {
    label: `Uploading ${name} with wrangler secret put`,
    summarise: () => `Uploaded ${name} as a secret of the deployed Worker`,
    input: value,
  });
}
