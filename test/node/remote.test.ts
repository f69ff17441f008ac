import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FakeCloudflare } from './support/fake-cloudflare.js';
import { SERVICE_WORKER, userConfig } from './support/fixtures.js';
import { packageMigrationNames, packageMigrations, readConfig } from './support/format-suite.js';
import { cliEnv, makeHome, makeProject, removeProjects, runCli, type Project } from './support/project.js';

const api = new FakeCloudflare();
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = cliEnv(await api.start(), makeHome());
});
afterAll(async () => {
  await api.stop();
  removeProjects();
});

function serviceProject(name: string): Project {
  return makeProject({ 'wrangler.toml': userConfig('toml', name), 'src/index.ts': SERVICE_WORKER });
}

const REMOTE = ['--role', 'service', '--workflow', 'email_campaign', '--remote', '--yes', '--json'];

describe('--archive', () => {
  const project = serviceProject('archive-service');

  test('binds the R2 bucket as ARCHIVE and, with --remote, creates it; a second run changes nothing', async () => {
    const first = await runCli(project, [...REMOTE, '--database', 'archive_db', '--archive', 'flowflare-runs'], env);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.archive).toEqual({ bucket: 'flowflare-runs', created: true });
    expect(summary.commands).toContain('wrangler r2 bucket create flowflare-runs --config wrangler.toml');
    expect(api.buckets.has('flowflare-runs')).toBe(true);
    expect(readConfig(project, 'wrangler.toml').r2_buckets).toEqual([{ binding: 'ARCHIVE', bucket_name: 'flowflare-runs' }]);
    expect(readConfig(project, 'wrangler.toml').triggers).toEqual({ crons: ['*/15 * * * *'] });

    const before = project.snapshot();
    const second = await runCli(project, [...REMOTE, '--archive', 'flowflare-runs'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ changed: false, archive: { bucket: 'flowflare-runs', created: false } });
    expect(project.snapshot()).toEqual(before);
  });

  test('another bucket under ARCHIVE is refused with what to do; a bad name names the flag', async () => {
    const other = await runCli(project, [...REMOTE, '--archive', 'other-bucket'], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("already binds ARCHIVE to the bucket 'flowflare-runs': pass --archive flowflare-runs");
    const bad = await runCli(project, [...REMOTE, '--archive', 'Bad_Name'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--archive: must be 3-63 lowercase letters');
  });
});

describe('--alerts', () => {
  const project = serviceProject('alerts-service');

  test('binds the ALERTS Queue with the service as its consumer and a dead-letter queue and, with --remote, creates both; a second run changes nothing', async () => {
    const first = await runCli(project, [...REMOTE, '--database', 'alerts_db', '--alerts'], env);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.alerts).toEqual({ queue: 'flowflare-alerts', dead_letter_queue: 'flowflare-alerts-dlq', created: ['flowflare-alerts', 'flowflare-alerts-dlq'] });
    expect(summary.commands).toContain('wrangler queues create flowflare-alerts --config wrangler.toml');
    expect(summary.commands).toContain('wrangler queues create flowflare-alerts-dlq --config wrangler.toml');
    expect([...api.queues]).toEqual(['flowflare-alerts', 'flowflare-alerts-dlq']);
    expect(readConfig(project, 'wrangler.toml').queues).toEqual({
      producers: [{ binding: 'ALERTS', queue: 'flowflare-alerts' }],
      consumers: [{ queue: 'flowflare-alerts', max_batch_size: 50, max_batch_timeout: 1, max_retries: 6, dead_letter_queue: 'flowflare-alerts-dlq' }],
    });

    const before = project.snapshot();
    const second = await runCli(project, [...REMOTE, '--alerts'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ changed: false, alerts: { queue: 'flowflare-alerts', created: [] } });
    expect(project.snapshot()).toEqual(before);
  });

  test('ALERTS bound to another queue is refused with what to pass; a bad queue name names the flag', async () => {
    const other = await runCli(project, [...REMOTE, '--alerts', 'other-alerts'], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("already binds ALERTS to the queue 'flowflare-alerts': pass --alerts flowflare-alerts");
    const bad = await runCli(project, [...REMOTE, '--alerts', 'Bad_Queue'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--alerts: must be 2-60 lowercase letters');
  });
});

describe('--remote', () => {
  const project = serviceProject('remote-service');

  test('applies the migrations through the query endpoint and uploads the key as a secret', async () => {
    const result = await runCli(project, [...REMOTE, '--database', 'remote_db'], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    const database = api.databases.find((db) => db.name === 'remote_db')!;
    expect(summary).toMatchObject({
      ok: true,
      role: 'service',
      changed: true,
      database: { name: 'remote_db', id: database.uuid, created: true },
      migrations: { local: packageMigrationNames(), remote: packageMigrationNames() },
      apiKey: { local: 'created', remote: 'uploaded' },
      commands: [
        'wrangler d1 create remote_db --update-config=false --config wrangler.toml',
        'wrangler d1 migrations apply DB --local --config wrangler.toml',
        'wrangler d1 migrations apply DB --remote --config wrangler.toml',
        'wrangler secret put SERVICE_API_KEY --config wrangler.toml',
      ],
    });

    // the remote database received the migration file as it ships, then its bookkeeping row
    const sql = api.queries.get(database.uuid)!;
    expect(sql[0]).toMatch(/^CREATE TABLE IF NOT EXISTS "?d1_migrations"?/);
    const migration = sql.find((q) => q.includes('CREATE TABLE workflow ('))!;
    expect(migration.startsWith(packageMigrations()['0001_initial.sql']!)).toBe(true);
    expect(migration).toMatch(/INSERT INTO "?d1_migrations"? \(name\)\s+values \('0001_initial\.sql'\)/);

    // the secret is the key in .dev.vars, sent on stdin, never printed
    const key = /^SERVICE_API_KEY=(.+)$/m.exec(project.read('.dev.vars'))![1]!;
    expect(api.secrets.get('remote-service')?.get('SERVICE_API_KEY')).toBe(key);
    expect(result.stdout + result.stderr).not.toContain(key);
    expect(project.read('wrangler.toml')).not.toContain(key);
    // wrangler made a draft Worker first, as it does for a Worker that was never deployed
    expect(api.callsTo('PUT', /\/workers\/scripts\/remote-service$/)).toHaveLength(1);
  });

  test('a second run applies nothing and keeps the uploaded secret', async () => {
    const before = project.snapshot();
    const database = api.databases.find((db) => db.name === 'remote_db')!;
    const queries = api.queries.get(database.uuid)!.length;
    const puts = api.calls.filter((call) => call.method === 'PUT').length;
    const result = await runCli(project, REMOTE, env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      changed: false,
      files: [],
      migrations: { local: [], remote: [] },
      apiKey: { local: 'kept', remote: 'kept' },
    });
    expect(project.snapshot()).toEqual(before);
    // only the bookkeeping queries: create-if-missing and the list of applied migrations
    expect(api.queries.get(database.uuid)!.slice(queries)).toEqual([
      expect.stringMatching(/^CREATE TABLE IF NOT EXISTS "?d1_migrations"?/),
      expect.stringMatching(/^SELECT \*\s+FROM "?d1_migrations"?/),
    ]);
    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(puts);
  });
});

describe('an existing database', () => {
  test('is reused, not created again (and --verbose shows what wrangler said)', async () => {
    const existing = api.addDatabase('shared_db');
    const project = serviceProject('reuse-service');
    const posts = api.callsTo('POST', /\/d1\/database$/).length;
    const result = await runCli(project, ['--role', 'service', '--database', 'shared_db', '--yes', '--json', '--verbose'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^ {2}│ .*Executing on local database DB \(/m);
    expect(JSON.parse(result.stdout).database).toEqual({ name: 'shared_db', id: existing.uuid, created: false });
    expect(readConfig(project, 'wrangler.toml').d1_databases[0].database_id).toBe(existing.uuid);
    expect(api.callsTo('POST', /\/d1\/database$/)).toHaveLength(posts);
  });

  test('that appears between the lookup and the creation ("already exists") is reused', async () => {
    const raced = api.addDatabase('raced_db');
    api.hideFromNextList = 'raced_db';
    const project = serviceProject('raced-service');
    const result = await runCli(project, ['--role', 'service', '--database', 'raced_db', '--yes', '--json'], env);
    expect(result.stderr).toContain('The D1 database raced_db already exists');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).database).toEqual({ name: 'raced_db', id: raced.uuid, created: false });
    expect(readConfig(project, 'wrangler.toml').d1_databases[0].database_id).toBe(raced.uuid);
  });
});

describe('a failure halfway', () => {
  test('puts every file back as it was', async () => {
    const project = serviceProject('failing-service');
    const before = project.snapshot();
    api.failQuery = { match: /CREATE TABLE workflow \(/, message: 'D1 is having a bad day' };
    try {
      const result = await runCli(project, ['--role', 'service', '--database', 'failing_db', '--remote', '--yes'], env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^✘ `wrangler d1 migrations apply DB --remote --config wrangler\.toml` failed: .*D1 is having a bad day/),
      ]);
      const copies = packageMigrationNames().map((name) => `migrations/flowflare/${name}`);
      expect(result.stdout).toContain(`Put ${['wrangler.toml', ...copies, '.dev.vars', '.gitignore'].join(', ')} back as they were.`);
      expect(project.snapshot()).toEqual(before);
      expect(project.exists('migrations')).toBe(false);
    } finally {
      api.failQuery = undefined;
    }
    // the database it created is found and reused by the next attempt
    const retry = await runCli(project, ['--role', 'service', '--database', 'failing_db', '--remote', '--yes', '--json'], env);
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ database: { name: 'failing_db', created: false }, apiKey: { remote: 'uploaded' } });
  });
});
