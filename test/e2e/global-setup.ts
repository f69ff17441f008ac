import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
// @ts-expect-error: plain JavaScript helper shared with `npm run demo`
import { applyLocalMigrations, freePort, startWranglerDev } from '../../scripts/lib/local-wrangler.mjs';
import { EXAMPLES, TEST_API_KEY, TEST_WEBHOOK_SECRET } from './support/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the example service under wrangler dev. */
    serviceUrl: string;
  }
}

/**
 * Runs the example service (its dashboard and OpenAPI document served from dist/static/, which
 * vitest.config.ts built) with `wrangler dev` on a free port, its local state in a temporary folder and
 * its own API key, for every test file of the project.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = mkdtempSync(join(tmpdir(), 'flowflare-e2e-'));
  await applyLocalMigrations({ cwd: EXAMPLES, stateDir: state });
  const service = await startWranglerDev({
    cwd: EXAMPLES,
    port: await freePort(),
    stateDir: state,
    vars: { SERVICE_API_KEY: TEST_API_KEY, ALERT_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET },
    apiKey: TEST_API_KEY,
  });
  project.provide('serviceUrl', service.url);
  return async () => {
    await service.stop();
    rmSync(state, { recursive: true, force: true });
  };
}
