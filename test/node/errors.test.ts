import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FakeCloudflare } from './support/fake-cloudflare.js';
import { SERVICE_WORKER, userConfig } from './support/fixtures.js';
import { packageMigrationNames } from './support/format-suite.js';
import { cliEnv, makeHome, makeProject, REPO, removeProjects, runCli, type Project, type RunResult } from './support/project.js';

const api = new FakeCloudflare();
let apiBase: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  apiBase = await api.start();
  env = cliEnv(apiBase, makeHome());
});
afterAll(async () => {
  await api.stop();
  removeProjects();
});
beforeEach(() => {
  api.calls.length = 0;
  api.accounts = [{ id: '0123456789abcdef0123456789abcdef', name: 'Test account' }];
});

function serviceProject(config = userConfig('toml', 'workflow-service'), wrangler = true): Project {
  return makeProject({ 'wrangler.toml': config, 'src/index.ts': SERVICE_WORKER }, { wrangler });
}

/** A user mistake: exit code 1 and a single line on stderr. */
function expectOneLineError(result: RunResult, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^✘ /);
  expect(lines[0]).toMatch(pattern);
}

const SETUP = ['--role', 'service', '--workflow', 'email_campaign', '--yes'];

describe('errors a user can make, each one line, exit 1, nothing changed', () => {
  test('wrangler is not installed', async () => {
    const project = serviceProject(undefined, false);
    const before = project.snapshot();
    // PATH holds only node itself, so no global wrangler can be found either
    const result = await runCli(project, SETUP, { ...env, PATH: dirname(process.execPath) });
    expectOneLineError(result, /wrangler is not installed in .*npm install --save-dev wrangler/);
    expect(project.snapshot()).toEqual(before);
    expect(api.calls).toHaveLength(0);
  });

  test('wrangler is not logged in', async () => {
    const project = serviceProject();
    const before = project.snapshot();
    const result = await runCli(project, SETUP, cliEnv(apiBase, makeHome(), { CLOUDFLARE_API_TOKEN: undefined }));
    expectOneLineError(result, /Wrangler is not logged in to Cloudflare: run `npx wrangler login`/);
    expect(project.snapshot()).toEqual(before);
    expect(api.calls).toHaveLength(0);
  });

  test('the token sees no account', async () => {
    api.accounts = [];
    const project = serviceProject();
    const before = project.snapshot();
    const result = await runCli(project, SETUP, cliEnv(apiBase, makeHome(), { CLOUDFLARE_ACCOUNT_ID: undefined }));
    expectOneLineError(result, /cannot tell which Cloudflare account to use: set CLOUDFLARE_ACCOUNT_ID/);
    expect(project.snapshot()).toEqual(before);
    expect(api.callsTo('GET', /^\/memberships$/)).toHaveLength(1);
  });

  test('Cloudflare refuses the token', async () => {
    const project = serviceProject();
    const before = project.snapshot();
    const result = await runCli(project, SETUP, cliEnv(apiBase, makeHome(), { CLOUDFLARE_API_TOKEN: 'expired' }));
    expectOneLineError(result, /Cloudflare refused wrangler's credentials.*Authentication error/);
    expect(project.snapshot()).toEqual(before);
  });

  test('Cloudflare rejects the database name', async () => {
    const project = serviceProject();
    const before = project.snapshot();
    const result = await runCli(project, [...SETUP, '--database', 'flowflare.db'], env);
    expectOneLineError(result, /`wrangler d1 create flowflare\.db .*` failed: .*Invalid database name 'flowflare\.db'/);
    expect(project.snapshot()).toEqual(before);
    expect(api.callsTo('POST', /\/d1\/database$/)).toEqual([expect.objectContaining({ body: { name: 'flowflare.db' } })]);
    expect(api.databases.some((db) => db.name === 'flowflare.db')).toBe(false);
  });

  test('names reach wrangler as they are: no shell runs them', async () => {
    const project = serviceProject();
    const name = 'db$(touch${IFS}pwned)';
    const result = await runCli(project, [...SETUP, '--database', name], env);
    expectOneLineError(result, /Invalid database name 'db\$\(touch\$\{IFS\}pwned\)'/);
    expect(api.callsTo('POST', /\/d1\/database$/).at(-1)!.body).toEqual({ name });
    expect(project.exists('pwned')).toBe(false);
  });

  test('a TOML config that does not parse is pointed at by line', async () => {
    const broken = userConfig('toml', 'workflow-service').replace('[vars]', '[vars');
    const project = serviceProject(broken);
    const before = project.snapshot();
    const result = await runCli(project, SETUP, env);
    expectOneLineError(result, /^✘ wrangler\.toml:11:\d+: does not parse: .*\(line 11: \[vars\)$/);
    expect(project.snapshot()).toEqual(before);
    expect(api.calls).toHaveLength(0);
  });

  test('a JSONC config that does not parse is pointed at by line', async () => {
    const broken = userConfig('jsonc', 'workflow-service').replace('"main": "src/index.ts",', '"main" "src/index.ts",');
    const project = makeProject({ 'wrangler.jsonc': broken, 'src/index.ts': SERVICE_WORKER });
    const before = project.snapshot();
    const result = await runCli(project, SETUP, env);
    expectOneLineError(result, /^✘ wrangler\.jsonc:4:\d+: does not parse: colon expected \(line 4: "main" "src\/index\.ts",\)$/);
    expect(project.snapshot()).toEqual(before);
  });

  test('a DB binding that already points at another database is not overwritten', async () => {
    const config = `${userConfig('toml', 'workflow-service')}
[[d1_databases]]
binding = "DB"
database_name = "legacy"
database_id = "11111111-2222-4333-8444-555555555555"
`;
    const project = serviceProject(config);
    const before = project.snapshot();
    const result = await runCli(project, [...SETUP, '--database', 'flowflare_db'], env);
    expectOneLineError(result, /already binds DB to the database 'legacy': pass --database legacy/);
    expect(project.snapshot()).toEqual(before);
  });

  test('a database_id the account does not have is reported before anything is created', async () => {
    const config = `${userConfig('toml', 'workflow-service')}
[[d1_databases]]
binding = "DB"
database_name = "vanished_db"
database_id = "11111111-2222-4333-8444-555555555555"
`;
    const project = serviceProject(config);
    const before = project.snapshot();
    const result = await runCli(project, SETUP, env);
    expectOneLineError(result, /gives DB the database_id 11111111-.* but the account has no database named 'vanished_db'/);
    expect(project.snapshot()).toEqual(before);
    expect(api.callsTo('POST', /\/d1\/database$/)).toHaveLength(0);
  });

  test('no terminal and no --yes', async () => {
    const project = serviceProject();
    const result = await runCli(project, ['--role', 'service'], env);
    expectOneLineError(result, /No terminal to ask questions on: pass --yes/);
  });

  test('an unknown flag or an invalid name', async () => {
    const project = serviceProject();
    expectOneLineError(await runCli(project, ['--frobnicate'], env), /unknown option '--frobnicate'/);
    expectOneLineError(await runCli(project, ['--service', 'Orders Service', '--yes'], env), /^✘ --service: must be 1-63 lowercase/);
    expectOneLineError(await runCli(project, ['--workflow', 'email campaign', '--yes'], env), /^✘ --workflow: workflow 'email campaign'/);
    expectOneLineError(await runCli(project, ['--local', '--remote', '--yes'], env), /--local and --remote exclude each other/);
  });

  test('--json reports the error on stdout too', async () => {
    const project = serviceProject();
    const result = await runCli(project, [...SETUP, '--json', '--database', 'flowflare.db'], env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      error: { code: 'WRANGLER_FAILED', message: expect.stringContaining("Invalid database name 'flowflare.db'") },
    });
  });
});

describe('--dry-run', () => {
  test('--json gives the plan as data', async () => {
    const project = serviceProject();
    const before = project.snapshot();
    const result = await runCli(project, ['--role', 'service', '--workflow', 'email_campaign', '--dry-run', '--json'], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      ok: true,
      dryRun: true,
      changed: true,
      commands: [
        'wrangler d1 create flowflare_db --update-config=false --config wrangler.toml',
        'wrangler d1 migrations apply DB --local --config wrangler.toml',
      ],
      database: { name: 'flowflare_db', id: null, created: false },
    });
    expect(summary.configDiff).toMatch(/^\+\[\[d1_databases\]\]$/m);
    expect(summary.files.map((f: { path: string }) => f.path)).toEqual([
      project.path('wrangler.toml'),
      ...packageMigrationNames().map((name) => project.path(`migrations/flowflare/${name}`)),
      project.path('.dev.vars'),
      project.path('.gitignore'),
    ]);
    expect(project.snapshot()).toEqual(before);
  });

  test('still shows the plan when wrangler is not logged in', async () => {
    const project = serviceProject();
    const before = project.snapshot();
    const result = await runCli(project, ['--role', 'service', '--dry-run'], cliEnv(apiBase, makeHome(), { CLOUDFLARE_API_TOKEN: undefined }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Could not look the database up, so the plan assumes a new one: Wrangler is not logged in');
    expect(result.stdout).toContain('wrangler d1 create flowflare_db');
    expect(project.snapshot()).toEqual(before);
  });
});

describe('main() as a function', () => {
  function io(cwd: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    return { io: { stdin: new PassThrough(), stdout, stderr, env: {}, cwd }, out: () => out, err: () => err };
  }

  test('--help lists every flag with examples and returns 0', async () => {
    const streams = io(process.cwd());
    expect(await main(['node', 'flowflare-setup', '--help'], streams.io)).toBe(0);
    for (const flag of ['--config', '--role', '--database', '--service', '--name', '--workflow', '--format', '--local', '--remote', '--yes', '--dry-run', '--json', '--verbose']) {
      expect(streams.out()).toContain(flag);
    }
    expect(streams.out()).toContain('Examples:');
  });

  test('--version prints the package version', async () => {
    const streams = io(process.cwd());
    expect(await main(['node', 'flowflare-setup', '--version'], streams.io)).toBe(0);
    expect(streams.out()).toBe(`${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
  });

  test('a bad flag returns 1 without touching the process exit code', async () => {
    const streams = io(process.cwd());
    expect(await main(['node', 'flowflare-setup', '--role', 'boss'], streams.io)).toBe(1);
    expect(streams.err()).toMatch(/^✘ option '--role <role>' argument 'boss' is invalid.*\(see --help\)\n$/);
    expect(process.exitCode ?? 0).toBe(0);
  });
});
