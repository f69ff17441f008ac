import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMPATIBILITY_DATE } from '../../src/shared/compatibility-date.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', '.wrangler', '.git', 'test-artifacts', 'coverage']);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(toml|jsonc?|md|ts|mjs)$/.test(entry.name) && entry.name !== 'package-lock.json') yield path;
  }
}

/** The compatibility date each runtime this repository runs on supports at most. */
async function runtimeDates(): Promise<Record<string, string>> {
  const load = async (from: string) => {
    const require = createRequire(from);
    const workerd = (await import(require.resolve('workerd'))) as { compatibilityDate: string; version: string };
    return [`workerd ${workerd.version}`, workerd.compatibilityDate] as const;
  };
  return Object.fromEntries([
    await load(createRequire(`${ROOT}package.json`).resolve('wrangler')), // wrangler dev, the CLI, the demo
    await load(new URL(import.meta.resolve('@cloudflare/vitest-plugin')).pathname), // the workerd test suite
  ]);
}

describe('toolchain', () => {
  test('every config, test, example, template and doc uses the one compatibility date', () => {
    const seen: Record<string, string[]> = {};
    for (const file of files(ROOT)) {
      const text = readFileSync(file, 'utf8');
      for (const [, date] of text.matchAll(/compatibility_?[dD]ate"?\s*[:=]\s*["']?(\d{4}-\d{2}-\d{2})/g)) {
        (seen[date!] ??= []).push(relative(ROOT, file));
      }
    }
    expect(Object.keys(seen)).toEqual([COMPATIBILITY_DATE]);
    const users = seen[COMPATIBILITY_DATE]!;
    for (const expected of ['test/wrangler.toml', 'examples/wrangler.toml', 'wrangler.example.toml', 'bench/tracking/wrangler.toml', 'docs/service.md']) {
      expect(users).toContain(expected);
    }
  });

  test('the compatibility date is the newest that every runtime of the toolchain supports', async () => {
    const dates = await runtimeDates();
    expect(Object.keys(dates)).toHaveLength(2);
    expect(COMPATIBILITY_DATE, JSON.stringify(dates)).toBe(Object.values(dates).sort()[0]);
  });

  test('the templates the setup CLI creates configs from carry it', async () => {
    const { renderTemplate } = await import('../../src/cli/templates.js');
    for (const role of ['service', 'client'] as const) {
      expect(await renderTemplate(role, 'toml', 'w')).toContain(`compatibility_date = "${COMPATIBILITY_DATE}"`);
      expect(await renderTemplate(role, 'jsonc', 'w')).toContain(`"compatibility_date": "${COMPATIBILITY_DATE}"`);
    }
  });

  test('the scripts run on Node.js 22 or newer, whatever node the machine has', () => {
    // `npm run` and `npm test` put node_modules/.bin first on PATH, where the `node` dev dependency is
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(22);
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    expect(pkg.engines.node).toBe('>=22.12.0');
    expect(readFileSync(`${ROOT}.nvmrc`, 'utf8').trim()).toBe(pkg.devDependencies.node!.split('.')[0]);
  });
});
