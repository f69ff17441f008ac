import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './support/project.js';

const run = promisify(execFile);

/**
 * Largest gzipped bundle of the service Worker that `flowflare-setup` sets up, as wrangler
 * uploads it (`bench/bundle` prints what it is made of). The dashboard's files and the OpenAPI
 * document are Static Assets beside it, not part of it.
 */
const GZIP_BUDGET_KIB = 60;

interface Measurement {
  rawBytes: number;
  gzipBytes: number;
  wranglerKiB: { total: number; gzip: number };
  assetsBound: boolean;
  files: { path: string; bytes: number }[];
}

let measured: Measurement;

beforeAll(async () => {
  // dist/ was built by the global setup
  const { stdout } = await run(process.execPath, [join(REPO, 'bench', 'bundle', 'run.mjs'), '--no-build', '--no-startup', '--json'], {
    cwd: REPO,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    maxBuffer: 1 << 24,
  });
  measured = JSON.parse(stdout) as Measurement;
}, 120_000);

describe('the service bundle', () => {
  it(`stays within ${GZIP_BUDGET_KIB} KiB gzipped, as wrangler counts it`, () => {
    expect(measured.wranglerKiB.gzip).toBeLessThanOrEqual(GZIP_BUDGET_KIB);
    expect(measured.gzipBytes / 1024).toBeCloseTo(measured.wranglerKiB.gzip, 1);
  });

  it('serves the dashboard and the OpenAPI document from Static Assets, which wrangler binds as ASSETS, not from the bundle', () => {
    expect(measured.assetsBound).toBe(true);
    // no embedded files, no document builder (service/openapi.js), no route documentation
    expect(measured.files.filter((f) => /\.generated\.|dashboard\/app\/|service\/openapi\.js$|route-docs/.test(f.path))).toEqual([]);
  });

  it('carries zod/mini only: no zod classic, no JSON Schema converter, no locale (messages: shared/zod-messages.ts)', () => {
    const zod = measured.files.filter((f) => f.path.startsWith('zod/'));
    expect(zod.length).toBeGreaterThan(0);
    expect(zod.filter((f) => f.path.includes('/classic/') || f.path.includes('json-schema') || f.path.includes('/locales/'))).toEqual([]);
  });
});
