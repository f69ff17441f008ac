import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FakeCloudflare } from './support/fake-cloudflare.js';
import { CLIENT_WORKER, SERVICE_WORKER, userConfig } from './support/fixtures.js';
import { packageMigrationNames, readConfig } from './support/format-suite.js';
import { cliEnv, makeHome, makeProject, removeProjects, runWrangler } from './support/project.js';
import { KEY, TerminalSession } from './support/pty.js';

const api = new FakeCloudflare();
let env: NodeJS.ProcessEnv;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
  env = cliEnv(await api.start(), makeHome());
});
afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});
afterAll(async () => {
  await api.stop();
  removeProjects();
});

function terminal(args: string[], cwd: string): TerminalSession {
  const session = new TerminalSession(args, cwd, env);
  sessions.push(session);
  return session;
}

describe('an interactive run in a terminal', () => {
  test('asks the questions, shows the plan and applies it once confirmed', async () => {
    const project = makeProject({ 'wrangler.toml': userConfig('toml', 'workflow-service'), 'src/index.ts': SERVICE_WORKER });
    const cli = terminal([], project.dir);
    await cli.waitFor('What does this Worker do?');
    cli.type(KEY.enter); // the default: workflow service
    await cli.waitFor('D1 database name');
    cli.type(`asked_db${KEY.enter}`);
    await cli.waitFor('Workflows to bind');
    cli.type(`email_campaign${KEY.enter}`);
    await cli.waitFor('Also set up the deployed Worker');
    cli.type(KEY.enter); // the default: no
    await cli.waitFor('+++ wrangler.toml');
    await cli.waitFor('wrangler d1 create asked_db');
    await cli.waitFor('Apply these changes?');
    expect(api.callsTo('POST', /\/d1\/database$/)).toHaveLength(0);
    cli.type(KEY.enter);
    await cli.waitFor('Next:');
    expect(await cli.exitCode()).toBe(0);

    const database = api.databases.find((db) => db.name === 'asked_db')!;
    const config = readConfig(project, 'wrangler.toml');
    expect(config.d1_databases[0]).toMatchObject({ database_name: 'asked_db', database_id: database.uuid });
    expect(config.workflows).toEqual([{ name: 'email_campaign', binding: 'EMAIL_CAMPAIGN', class_name: 'EmailCampaignWorkflow' }]);
    expect(cli.screen).toContain(`Applied ${packageMigrationNames().join(', ')} to the local database`);
  });

  test('Ctrl+C at a prompt cancels: exit 0, nothing changed', async () => {
    const project = makeProject({ 'wrangler.toml': userConfig('toml', 'workflow-service'), 'src/index.ts': SERVICE_WORKER });
    const before = project.snapshot();
    const calls = api.calls.length;
    const cli = terminal([], project.dir);
    await cli.waitFor('What does this Worker do?');
    cli.type(KEY.enter);
    await cli.waitFor('D1 database name');
    cli.type(KEY.ctrlC);
    await cli.waitFor('Setup cancelled; nothing was changed.');
    expect(await cli.exitCode()).toBe(0);
    expect(project.snapshot()).toEqual(before);
    expect(api.calls.length).toBe(calls);
  });

  test('declining the plan cancels: exit 0, nothing changed, no database created', async () => {
    const project = makeProject({ 'wrangler.toml': userConfig('toml', 'workflow-service'), 'src/index.ts': SERVICE_WORKER });
    const before = project.snapshot();
    const cli = terminal(['--role', 'service', '--database', 'declined_db', '--local'], project.dir);
    await cli.waitFor('Workflows to bind');
    cli.type(KEY.enter);
    await cli.waitFor('Apply these changes?');
    cli.type(`n${KEY.enter}`);
    await cli.waitFor('Setup cancelled; nothing was changed.');
    expect(await cli.exitCode()).toBe(0);
    expect(project.snapshot()).toEqual(before);
    expect(api.databases.some((db) => db.name === 'declined_db')).toBe(false);
  });

  test('with no config, offers the template, then sets up a client', async () => {
    const project = makeProject({ 'src/index.ts': CLIENT_WORKER });
    const cli = terminal([], project.dir);
    await cli.waitFor('No wrangler config found. What will this Worker do?');
    cli.type(KEY.down + KEY.enter); // client
    await cli.waitFor('Which config format?');
    cli.type(KEY.down + KEY.enter); // wrangler.jsonc
    await cli.waitFor('Create wrangler.jsonc');
    cli.type(KEY.enter);
    await cli.waitFor('Name of this Worker');
    cli.type(`orders-app${KEY.enter}`);
    await cli.waitFor('Name of the workflow service Worker to bind to');
    cli.type(KEY.enter); // workflow-service
    await cli.waitFor('Apply these changes?');
    cli.type(KEY.enter);
    await cli.waitFor('Next:');
    expect(await cli.exitCode()).toBe(0);

    const config = readConfig(project, 'wrangler.jsonc');
    expect(config).toMatchObject({
      name: 'orders-app',
      main: 'src/index.ts',
      services: [{ binding: 'WORKFLOW_SERVICE', service: 'workflow-service' }],
      durable_objects: { bindings: [{ name: 'WORKFLOW_TRACKER', class_name: 'WorkflowTracker', script_name: 'workflow-service' }] },
    });
    expect(project.read('wrangler.jsonc')).toContain('// A client Worker');
    const deploy = await runWrangler(project, ['deploy', '--dry-run'], env);
    expect(deploy.code).toBe(0);
  });
});
