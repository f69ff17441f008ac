import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeCloudflare } from './fake-cloudflare.js';
import { CLIENT_WORKER, CONFIG_FILE, SERVICE_WORKER, userComments, userConfig, type Format } from './fixtures.js';
import { cliEnv, makeHome, makeProject, removeProjects, REPO, runCli, runWrangler, type Project } from './project.js';

/** A config file parsed the way wrangler reads it. */
export function readConfig(project: Project, file: string): Record<string, any> {
  const text = project.read(file);
  return (file.endsWith('.toml') ? parseToml(text) : parseJsonc(text)) as Record<string, any>;
}

/**
 * Checks that every line of `before` is still in `after`, in the same order, apart from a comma
 * added at the end of a line (where a new element follows it in JSON).
 */
export function expectLinesKept(before: string, after: string): void {
  const normalise = (line: string) => line.replace(/,(\s*(\/\/.*)?)$/, '$1').trimEnd();
  const afterLines = after.split('\n').map(normalise);
  let from = 0;
  for (const line of before.split('\n').map(normalise).filter((l) => l.trim())) {
    const at = afterLines.indexOf(line, from);
    expect(at, `line kept in order: ${line}`).toBeGreaterThanOrEqual(from);
    from = at + 1;
  }
}

/** The names of the package's migrations, in the order they apply. */
export function packageMigrationNames(): string[] {
  return Object.keys(packageMigrations()).sort();
}

/** The package's migrations, by file name. */
export function packageMigrations(): Record<string, string> {
  const dir = join(REPO, 'migrations');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
}

/**
 * The whole story for one config format: a service project (dry run, setup, its local tables, a
 * second run, wrangler's verdict on the result) and a client project bound to it.
 */
export function formatSuite(format: Format): void {
  const file = CONFIG_FILE[format];
  const api = new FakeCloudflare();
  let env: NodeJS.ProcessEnv;
  let service: Project;
  let client: Project;
  const original = userConfig(format, 'workflow-service');

  beforeAll(async () => {
    env = cliEnv(await api.start(), makeHome());
    service = makeProject({ [file]: original, 'src/index.ts': SERVICE_WORKER });
    client = makeProject({ [file]: userConfig(format, 'orders-app'), 'src/index.ts': CLIENT_WORKER });
  });
  afterAll(async () => {
    await api.stop();
    removeProjects();
  });

  describe(`service Worker with ${file}`, () => {
    test('--dry-run prints the diff and the wrangler commands and touches nothing', async () => {
      const before = service.snapshot();
      const result = await runCli(service, ['--role', 'service', '--workflow', 'email_campaign', '--dry-run'], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`+++ ${file}`);
      expect(result.stdout).toMatch(/^\+.*WORKFLOW_TRACKER/m);
      expect(result.stdout).toMatch(/^\+.*EmailCampaignWorkflow/m);
      expect(result.stdout).toContain('wrangler d1 create flowflare_db');
      expect(result.stdout).toContain(`wrangler d1 migrations apply DB --local --config ${file}`);
      expect(result.stdout).toContain('nothing was changed');
      expect(service.snapshot()).toEqual(before);
      expect(service.exists('.wrangler')).toBe(false);
      // only the read-only lookup reached the account
      expect(api.calls.every((call) => call.method === 'GET')).toBe(true);
      expect(api.databases).toHaveLength(0);
    });

    test('setup creates the database, binds everything and keeps comments and layout', async () => {
      const result = await runCli(service, ['--role', 'service', '--workflow', 'email_campaign', '--yes'], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);

      expect(api.callsTo('POST', /\/d1\/database$/)).toEqual([
        expect.objectContaining({ body: { name: 'flowflare_db' } }),
      ]);
      const database = api.databases[0]!;
      const config = readConfig(service, file);
      expect(config.d1_databases).toEqual([
        { binding: 'DB', database_name: 'flowflare_db', database_id: database.uuid, migrations_dir: 'migrations/flowflare' },
      ]);
      expect(config.durable_objects.bindings).toEqual([{ name: 'WORKFLOW_TRACKER', class_name: 'WorkflowTracker' }]);
      expect(config.migrations).toEqual([{ tag: 'flowflare-v1', new_sqlite_classes: ['WorkflowTracker'] }]);
      expect(config.workflows).toEqual([
        { name: 'email_campaign', binding: 'EMAIL_CAMPAIGN', class_name: 'EmailCampaignWorkflow' },
      ]);
      expect(config.vars).toEqual({ GREETING: 'hello' });
      // the dashboard's files and the OpenAPI document: the installed package's static folder
      expect(config.assets).toEqual({ directory: 'node_modules/@biggidea/flowflare/dist/static', binding: 'ASSETS', run_worker_first: true });

      const text = service.read(file);
      for (const comment of userComments(format, 'workflow-service')) expect(text).toContain(comment);
      expectLinesKept(original, text);
      expect(service.read(`${file}.bak`)).toBe(original);

      for (const [name, sql] of Object.entries(packageMigrations())) {
        expect(service.read(`migrations/flowflare/${name}`)).toBe(sql);
      }
      const key = /^SERVICE_API_KEY=([A-Za-z0-9_-]+)$/m.exec(service.read('.dev.vars'))?.[1];
      expect(key).toHaveLength(43);
      expect(text).not.toContain(key);
      expect(result.stdout).not.toContain(key);
      expect(service.read('.gitignore')).toMatch(/^\.dev\.vars$/m);
    });

    test('the local migrations created the tables', async () => {
      const query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
      const result = await runWrangler(service, ['d1', 'execute', 'DB', '--local', '--json', '--command', query], env);
      expect(result.code).toBe(0);
      const tables = (JSON.parse(result.stdout) as { results: { name: string }[] }[])[0]!.results.map((r) => r.name);
      expect(tables).toEqual(
        expect.arrayContaining(['d1_migrations', 'workflow', 'workflow_runs', 'workflow_steps', 'workflow_step_retries']),
      );
    });

    test('a second run changes nothing', async () => {
      const before = service.snapshot();
      const posts = api.calls.filter((call) => call.method !== 'GET').length;
      const result = await runCli(service, ['--role', 'service', '--workflow', 'email_campaign', '--yes'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Nothing to change');
      expect(service.snapshot()).toEqual(before);
      expect(api.calls.filter((call) => call.method !== 'GET')).toHaveLength(posts);
    });

    test('wrangler accepts the result', async () => {
      const result = await runWrangler(service, ['deploy', '--dry-run'], env);
      expect(result.stderr).not.toMatch(/ERROR/);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/env\.DB \(flowflare_db\)\s+D1 Database/);
      expect(result.stdout).toMatch(/env\.WORKFLOW_TRACKER \(WorkflowTracker\)\s+Durable Object/);
      expect(result.stdout).toMatch(/env\.EMAIL_CAMPAIGN \(EmailCampaignWorkflow\)\s+Workflow/);
      expect(result.stdout).toMatch(/env\.ASSETS\s+Assets/);
    });
  });

  describe(`client Worker with ${file}`, () => {
    test('setup binds the service by name and keeps comments', async () => {
      const before = client.read(file);
      const calls = api.calls.length;
      const result = await runCli(client, ['--role', 'client', '--service', 'workflow-service', '--yes'], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const config = readConfig(client, file);
      expect(config.services).toEqual([{ binding: 'WORKFLOW_SERVICE', service: 'workflow-service' }]);
      expect(config.durable_objects.bindings).toEqual([
        { name: 'WORKFLOW_TRACKER', class_name: 'WorkflowTracker', script_name: 'workflow-service' },
      ]);
      expect(config.migrations).toBeUndefined();
      expect(config.d1_databases).toBeUndefined();
      const text = client.read(file);
      for (const comment of userComments(format, 'orders-app')) expect(text).toContain(comment);
      expectLinesKept(before, text);
      expect(result.stdout).toContain('WORKFLOW_API_KEY');
      expect(result.stdout).toContain('wrangler secret put WORKFLOW_API_KEY');
      expect(client.read('.gitignore')).toMatch(/^\.dev\.vars$/m);
      expect(client.exists('.dev.vars')).toBe(false);
      // a client creates nothing in the account
      expect(api.calls.length).toBe(calls);
    });

    test('a second run changes nothing, and wrangler accepts the result', async () => {
      const before = client.snapshot();
      const again = await runCli(client, ['--role', 'client', '--service', 'workflow-service', '--yes'], env);
      expect(again.code).toBe(0);
      expect(client.snapshot()).toEqual(before);
      const deploy = await runWrangler(client, ['deploy', '--dry-run'], env);
      expect(deploy.code).toBe(0);
      expect(deploy.stdout).toMatch(/env\.WORKFLOW_SERVICE \(workflow-service\)\s+Worker/);
      expect(deploy.stdout).toMatch(/env\.WORKFLOW_TRACKER \(WorkflowTracker, defined in workflow-service\)\s+Durable Object/);
    });
  });
}
