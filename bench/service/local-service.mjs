// Runs the workflow service and a client Worker locally in workerd (Miniflare), with local D1,
// Durable Objects and Workflows, migrations applied. Used by the benchmark and the Node tests.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { unstable_splitSqlQuery } from 'wrangler';
import { COMPATIBILITY_DATE } from '../../src/shared/compatibility-date.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles a Worker entry (a path from the repository's root) as workerd runs it. */
export function bundle(entry) {
  return buildSync({
    entryPoints: [`${root}${entry}`],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'silent',
  }).outputFiles[0].text;
}

/** The migrations in order, each split into statements as wrangler splits them. */
export function readMigrations() {
  const dir = `${root}migrations`;
  return readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, queries: unstable_splitSqlQuery(readFileSync(`${dir}/${name}`, 'utf8')) }));
}

/**
 * Starts the service (`service`) and the client Worker (`client`).
 * @param {{ apiKey?: string, persistDir?: string, port?: number, migrate?: boolean }} options `migrate: false` for a
 *   persisted database the migrations were applied to before
 */
export async function startLocalService({ apiKey = 'local-key', persistDir, port = 0, migrate = true } = {}) {
  const persist = persistDir ? { resourcePersistencePath: persistDir } : {};
  // Miniflare 5 takes a new options shape; the converter accepts the v4 shape written here.
  const mf = new Miniflare(convertV4MiniflareOptions({
    host: '127.0.0.1',
    port,
    ...persist,
    workers: [
      {
        name: 'service',
        modules: [{ type: 'ESModule', path: 'service.js', contents: bundle('bench/service/fixtures/service-worker.ts') }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: ['nodejs_compat'],
        bindings: { SERVICE_API_KEY: apiKey },
        d1Databases: { DB: 'flowflare-local' },
        durableObjects: { WORKFLOW_TRACKER: { className: 'WorkflowTracker', useSQLite: true } },
        workflows: {
          NOOP: { name: 'noop', className: 'NoopWorkflow' },
          RECORDED: { name: 'recorded', className: 'RecordedWorkflow' },
        },
      },
      {
        // the same D1 query as GET /api/runs, with nothing around it (the list benchmark's baseline)
        name: 'bare',
        modules: [{ type: 'ESModule', path: 'bare.js', contents: bundle('bench/service/fixtures/bare-worker.ts') }],
        compatibilityDate: COMPATIBILITY_DATE,
        d1Databases: { DB: 'flowflare-local' },
      },
      {
        // a service binding's fetch that only calls create() (the start benchmark's floor)
        name: 'hop',
        modules: [{ type: 'ESModule', path: 'hop.js', contents: bundle('bench/service/fixtures/hop-worker.ts') }],
        compatibilityDate: COMPATIBILITY_DATE,
        workflows: { NOOP: { name: 'noop', className: 'NoopWorkflow', scriptName: 'service' } },
      },
      {
        name: 'client',
        routes: ['client.local/*'],
        modules: [{ type: 'ESModule', path: 'client.js', contents: bundle('bench/service/fixtures/client-worker.ts') }],
        compatibilityDate: COMPATIBILITY_DATE,
        bindings: { API_KEY: apiKey },
        serviceBindings: { WORKFLOW_SERVICE: 'service', HOP: 'hop' },
        workflows: { NOOP: { name: 'noop', className: 'NoopWorkflow', scriptName: 'service' } },
      },
    ],
  }));
  const url = await mf.ready;
  const db = await mf.getD1Database('DB', 'service');
  if (migrate) {
    for (const migration of readMigrations()) {
      for (const query of migration.queries) await db.prepare(query).run();
    }
  }
  const client = await mf.getWorker('client');
  const serviceWorker = await mf.getWorker('service');
  const bare = await mf.getWorker('bare');
  return {
    mf,
    db,
    /** The service's base URL, for WorkflowClient({ baseUrl }). */
    url: url.href.replace(/\/$/, ''),
    apiKey,
    /** Sends a request to the client Worker. */
    callClient: (path) => client.fetch(`http://client.local${path}`),
    /** Sends a request to the service Worker itself. */
    callService: (path, init) => serviceWorker.fetch(`http://service.local${path}`, init),
    /** Sends a request to the bare Worker (the same D1 query as GET /api/runs, nothing else). */
    callBare: (path) => bare.fetch(`http://bare.local${path}`),
    dispose: () => mf.dispose(),
  };
}
