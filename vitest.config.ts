import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { buildSync } from 'esbuild';
import { defineConfig } from 'vitest/config';
import { COMPATIBILITY_DATE } from './src/shared/compatibility-date.js';
import { buildDashboard } from './scripts/build-dashboard.mjs';
import { buildOpenApi } from './scripts/build-openapi.mjs';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const migrations = await readD1Migrations(here('./migrations'));

// The package's static folder (dist/static/), which the test Worker binds as ASSETS, the e2e
// services serve and the packed package ships: built from the sources before any project starts.
buildDashboard();
await buildOpenApi();

/** The package's own entry points, resolved to the sources (tests import them by package name). */
const packageAliases = {
  '@biggidea/flowflare/client': here('./src/client/index.ts'),
  '@biggidea/flowflare/workflow': here('./src/workflow/index.ts'),
  '@biggidea/flowflare': here('./src/index.ts'),
};

/** Name @cloudflare/vitest-plugin gives the Worker that runs the "workerd" project (the service). */
const SERVICE_WORKER = 'vitest-plugin-runner-workerd';

/**
 * The client Worker runs beside the test Worker as a separate auxiliary Worker. Auxiliary Workers
 * are not transformed by Vite, so it is bundled here; it reaches the service only through its
 * service binding.
 */
const clientWorker = buildSync({
  entryPoints: [here('./test/fixtures/client-worker.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  write: false,
  alias: packageAliases,
  external: ['cloudflare:*'],
}).outputFiles[0]!.text;

// Three projects run under one `npm test`: the library in real workerd; Node-side tests (the setup
// CLI, which spawns the real wrangler binary, and the client over HTTP); and end-to-end tests (the
// dashboard and the React component in Chromium against `wrangler dev`, and `npm run demo`).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './test/wrangler.toml' },
            miniflare: {
              bindings: { TEST_MIGRATIONS: migrations },
              serviceBindings: { CLIENT_WORKER: 'client-worker' },
              workers: [
                {
                  name: 'client-worker',
                  modules: [{ type: 'ESModule', path: 'client-worker.js', contents: clientWorker }],
                  compatibilityDate: COMPATIBILITY_DATE,
                  bindings: { WORKFLOW_API_KEY: 'test-service-key' },
                  serviceBindings: { WORKFLOW_SERVICE: SERVICE_WORKER },
                },
              ],
            },
          }),
        ],
        resolve: { alias: packageAliases },
        test: {
          name: 'workerd',
          include: ['test/**/*.test.ts'],
          exclude: ['test/node/**', 'test/e2e/**'],
          setupFiles: ['./test/apply-migrations.ts'],
          // a real HTTP receiver for alert notifications, in Node (workerd tests cannot listen)
          globalSetup: ['./test/alerts/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      './test/node/vitest.config.ts',
      './test/e2e/vitest.config.ts',
    ],
  },
});
