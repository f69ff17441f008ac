import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMPATIBILITY_DATE } from '../../src/shared/compatibility-date.js';
import { FakeCloudflare } from './support/fake-cloudflare.js';
import { CLIENT_WORKER, SERVICE_WORKER, userConfig } from './support/fixtures.js';
import { readConfig } from './support/format-suite.js';
import { cliEnv, makeHome, makeProject, removeProjects, REPO, runCli, runWrangler } from './support/project.js';

const api = new FakeCloudflare();
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = cliEnv(await api.start(), makeHome());
});
afterAll(async () => {
  await api.stop();
  removeProjects();
});

describe('a project without a config', () => {
  test('--yes creates wrangler.toml from the service template, which wrangler accepts', async () => {
    const project = makeProject({ 'src/index.ts': SERVICE_WORKER });
    const result = await runCli(project, ['--role', 'service', '--workflow', 'email_campaign', '--yes', '--json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ configCreated: true, backups: [] });
    const config = readConfig(project, 'wrangler.toml');
    expect(config).toMatchObject({ name: 'workflow-service', main: 'src/index.ts', compatibility_date: COMPATIBILITY_DATE });
    expect(config.d1_databases[0].database_id).toBe(api.databases.find((db) => db.name === 'flowflare_db')!.uuid);
    expect(project.read('wrangler.toml')).toMatch(/^# The workflow service Worker/);
    expect(project.exists('wrangler.toml.bak')).toBe(false);
    expect(config.assets).toEqual({ directory: 'node_modules/@biggidea/flowflare/dist/static', binding: 'ASSETS', run_worker_first: true });
    const deploy = await runWrangler(project, ['deploy', '--dry-run'], env);
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toMatch(/env\.EMAIL_CAMPAIGN \(EmailCampaignWorkflow\)\s+Workflow/);
    expect(deploy.stdout).toMatch(/env\.ASSETS\s+Assets/);
  });

  test('--config names where a new client config goes, and its format', async () => {
    const project = makeProject({ 'apps/web/src/index.ts': CLIENT_WORKER });
    const args = ['--config', 'apps/web/wrangler.jsonc', '--role', 'client', '--name', 'web', '--service', 'orders-service', '--workflow', 'x', '--yes'];
    const result = await runCli(project, args, env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--workflow set up the service; a client ignores them.');
    expect(readConfig(project, 'apps/web/wrangler.jsonc')).toMatchObject({
      name: 'web',
      services: [{ binding: 'WORKFLOW_SERVICE', service: 'orders-service' }],
    });
    // .dev.vars lives beside the config, so that is where git must ignore it
    expect(project.read('apps/web/.gitignore')).toMatch(/^\.dev\.vars$/m);
  });
});

describe('--config for an existing config elsewhere', () => {
  test('edits that file and runs wrangler against it', async () => {
    const project = makeProject({
      'wrangler.toml': userConfig('toml', 'root-worker'),
      'services/tracker/wrangler.toml': userConfig('toml', 'tracker'),
      'services/tracker/src/index.ts': SERVICE_WORKER,
    });
    const root = project.read('wrangler.toml');
    const result = await runCli(project, ['--config', 'services/tracker/wrangler.toml', '--role', 'service', '--database', 'tracker_db', '--yes'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrangler d1 migrations apply DB --local --config wrangler.toml');
    expect(project.read('wrangler.toml')).toBe(root);
    const config = readConfig(project, 'services/tracker/wrangler.toml');
    expect(config.d1_databases[0].database_name).toBe('tracker_db');
    // the package is installed (hoisted) at the root: [assets] points there, relative to the config
    expect(config.assets.directory).toBe('../../node_modules/@biggidea/flowflare/dist/static');
    expect(result.stdout).not.toContain('is not installed in this project');
    expect(project.exists('services/tracker/migrations/flowflare/0001_initial.sql')).toBe(true);
    expect(project.exists('services/tracker/.wrangler')).toBe(true);
  });
});

describe('[assets] when the package is not installed', () => {
  test('points at node_modules/@biggidea/flowflare/dist/static and says to install the package', async () => {
    const project = makeProject({ 'wrangler.toml': userConfig('toml', 'bare'), 'src/index.ts': SERVICE_WORKER }, { flowflare: false });
    const result = await runCli(project, ['--role', 'service', '--dry-run'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('directory = "node_modules/@biggidea/flowflare/dist/static"');
    expect(result.stdout).toContain('@biggidea/flowflare is not installed in this project');
  });

  test('an [assets] of the package already there is completed, not replaced', async () => {
    const config = `${userConfig('toml', 'half')}\n[assets]\ndirectory = "node_modules/@biggidea/flowflare/dist/static"\n`;
    const project = makeProject({ 'wrangler.toml': config, 'src/index.ts': SERVICE_WORKER });
    expect((await runCli(project, ['--role', 'service', '--yes'], env)).code).toBe(0);
    expect(readConfig(project, 'wrangler.toml').assets).toEqual({ directory: 'node_modules/@biggidea/flowflare/dist/static', binding: 'ASSETS', run_worker_first: true });
  });
});

describe('wrangler.example.toml', () => {
  test('is the seed config in a form wrangler accepts, with no secret in it', async () => {
    const example = readFileSync(join(REPO, 'wrangler.example.toml'), 'utf8');
    const project = makeProject({ 'wrangler.toml': example, 'src/index.js': SERVICE_WORKER });
    const config = readConfig(project, 'wrangler.toml');
    expect(config.assets).toEqual({ directory: 'node_modules/@biggidea/flowflare/dist/static', binding: 'ASSETS', run_worker_first: true });
    expect(config.migrations).toEqual([{ tag: 'flowflare-v1', new_sqlite_classes: ['WorkflowTracker'] }]);
    expect(config.workflows).toEqual([{ name: 'email_campaign', binding: 'EMAIL_CAMPAIGN', class_name: 'EmailCampaignWorkflow' }]);
    expect(config.vars).toBeUndefined();
    const deploy = await runWrangler(project, ['deploy', '--dry-run'], env);
    expect(deploy.stderr).not.toMatch(/ERROR|WARNING/);
    expect(deploy.code).toBe(0);
    for (const binding of ['env.ASSETS', 'env.WORKFLOW_TRACKER (WorkflowTracker)', 'env.EMAIL_CAMPAIGN (EmailCampaignWorkflow)', 'env.DB (flowflare_db)']) {
      expect(deploy.stdout).toContain(binding);
    }
  });
});
