import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { UserError } from '../shared/errors.js';
import type { Reporter } from './io.js';
import { wranglerFailure } from './wrangler-errors.js';

/** How to start wrangler: a program and the arguments that come before wrangler's own. */
export interface WranglerCommand {
  program: string;
  prefix: string[];
}

/** Where and how wrangler commands run. */
export interface WranglerContext {
  wrangler: WranglerCommand;
  cwd: string;
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  /** Stream wrangler's output instead of summarising it. */
  verbose: boolean;
}

/** What a wrangler command printed. */
export interface WranglerResult {
  stdout: string;
  stderr: string;
}

/**
 * Finds the wrangler the project uses: the one installed in the project (or a folder above it), else
 * a `wrangler` on PATH. It is started with this Node binary, so no shell is involved.
 * @throws UserError when there is none
 */
export function locateWrangler(projectDir: string, env: NodeJS.ProcessEnv): WranglerCommand {
  try {
    const require = createRequire(join(projectDir, 'package.json'));
    const manifestPath = require.resolve('wrangler/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.wrangler;
    if (bin) return { program: process.execPath, prefix: [join(dirname(manifestPath), bin)] };
  } catch {
    // not installed in the project: try PATH
  }
  const names = process.platform === 'win32' ? ['wrangler.exe'] : ['wrangler'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return { program: candidate, prefix: [] };
      } catch {
        // keep looking
      }
    }
  }
  throw new UserError(
    `wrangler is not installed in ${projectDir}: run \`npm install --save-dev wrangler\`, then run setup again.`,
    { code: 'WRANGLER_MISSING' },
  );
}

/** A wrangler command as the user would type it, for messages and `--dry-run`. */
export function displayCommand(args: readonly string[]): string {
  return ['wrangler', ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** How one wrangler command is shown and judged. */
export interface RunOptions {
  /** What the progress line says while it runs. */
  label: string;
  /** The line shown on success, from the output. */
  summarise?: (result: WranglerResult) => string | undefined;
  /** Standard input for the command (empty when unset, so wrangler never waits for a prompt). */
  input?: string;
  /** For a failure that is an answer rather than an error: the line to show, or undefined to fail. */
  tolerate?: (output: string) => string | undefined;
}

/**
 * Runs one wrangler command without a shell, showing a progress line (or its output with `verbose`).
 * @returns its output, with `ok: false` for a failure `tolerate` accepted
 * @throws WranglerError with wrangler's own error when it exits non-zero
 */
export async function runWrangler(
  ctx: WranglerContext,
  args: readonly string[],
  options: RunOptions,
): Promise<WranglerResult & { ok: boolean }> {
  const step = ctx.reporter.step(options.label);
  let result: WranglerResult & { code: number | null };
  try {
    result = await spawnWrangler(ctx, args, options.input);
  } catch (error) {
    step.fail();
    throw error;
  }
  if (result.code !== 0) {
    const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
    const answer = options.tolerate?.(output);
    if (answer !== undefined) {
      step.done(answer);
      return { ...result, ok: false };
    }
    step.fail();
    throw wranglerFailure(displayCommand(args), output);
  }
  step.done(options.summarise?.(result));
  return { ...result, ok: true };
}

function spawnWrangler(
  ctx: WranglerContext,
  args: readonly string[],
  input: string | undefined,
): Promise<WranglerResult & { code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ctx.wrangler.program, [...ctx.wrangler.prefix, ...args], {
      cwd: ctx.cwd,
      env: ctx.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
    });
    let stdout = '';
    let stderr = '';
    const show = (chunk: string) => {
      if (!ctx.verbose) return;
      for (const line of chunk.split(/\r?\n/)) if (line.trim()) ctx.reporter.detail(line);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      show(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      show(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new UserError(`wrangler could not be started (${ctx.wrangler.program} not found).`, { code: 'WRANGLER_MISSING' })
          : error,
      );
    });
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    child.stdin.on('error', () => undefined); // wrangler may exit before reading its input
    child.stdin.end(input ?? '');
  });
}
