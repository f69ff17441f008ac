import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNT_ID, API_TOKEN } from './fake-cloudflare.js';

/** The repository root, the CLI's executable and the pinned wrangler. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'flowflare-setup.js');
export const WRANGLER = join(REPO, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** A throw-away Worker project in a temporary folder. */
export interface Project {
  dir: string;
  path(file: string): string;
  read(file: string): string;
  exists(file: string): boolean;
  write(file: string, text: string): void;
  /** Every file and its content, except node_modules and wrangler's local state. */
  snapshot(): Record<string, string>;
}

const made: string[] = [];

/**
 * Creates a project holding `files`, with the repository's wrangler linked into its node_modules
 * as `npm install wrangler` would (unless `wrangler: false`), and the repository (its built dist/)
 * as `npm install @biggidea/flowflare` would, in `flowflare` (a folder of the project, `.` unless
 * told; `false` for none), so that the service's `[assets]` find the package's static folder.
 */
export function makeProject(files: Record<string, string>, options: { wrangler?: boolean; flowflare?: string | false } = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'flowflare-cli-'));
  made.push(dir);
  const project: Project = {
    dir,
    path: (file) => join(dir, file),
    read: (file) => readFileSync(join(dir, file), 'utf8'),
    exists: (file) => existsSync(join(dir, file)),
    write: (file, text) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    },
    snapshot: () => snapshot(dir),
  };
  for (const [file, text] of Object.entries(files)) project.write(file, text);
  if (options.wrangler !== false) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', 'wrangler'), join(dir, 'node_modules', 'wrangler'), 'dir');
  }
  if (options.flowflare !== false) {
    const modules = join(dir, options.flowflare ?? '.', 'node_modules', '@biggidea');
    mkdirSync(modules, { recursive: true });
    symlinkSync(REPO, join(modules, 'flowflare'), 'dir');
  }
  return project;
}

/** Removes every project made so far. */
export function removeProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.wrangler') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

/**
 * The environment the CLI runs with: wrangler pointed at the fake API, a home folder of its own so
 * nothing is read from or written to the real one, and no banner (which would ask npm for updates).
 */
export function cliEnv(apiBase: string, home: string, overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    TMPDIR: tmpdir(),
    CLOUDFLARE_API_BASE_URL: apiBase,
    CLOUDFLARE_API_TOKEN: API_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT_ID,
    WRANGLER_SEND_METRICS: 'false',
    WRANGLER_HIDE_BANNER: 'true',
    NO_COLOR: '1',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A new empty home folder for one run. */
export function makeHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'flowflare-home-'));
  made.push(home);
  return home;
}

/** What a finished process printed and its exit code. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion with no standard input (as in CI). */
export function run(program: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `flowflare-setup` in the project, as `npx flowflare-setup ARGS` would. */
export function runCli(project: Project, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], project.dir, env);
}

/** Runs the project's wrangler directly (to check what setup produced). */
export function runWrangler(project: Project, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return run(process.execPath, [WRANGLER, ...args], project.dir, env);
}
