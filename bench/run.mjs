#!/usr/bin/env node
// Runs every benchmark side by side in this process's machine and prints one table per benchmark.
// Each benchmark is either a vitest run inside workerd (real Workflows, D1, Durable Objects) that
// prints a line `BENCH_RESULT <name> <json>`, or a `run.mjs` that starts workerd itself and prints
// its own tables.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const only = process.argv.slice(2);
const suites = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && (existsSync(join(here, d.name, 'vitest.config.ts')) || existsSync(join(here, d.name, 'run.mjs'))))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name));

let failed = false;
for (const suite of suites) {
  process.stdout.write(`\n== ${suite} ==\n`);
  if (existsSync(join(here, suite, 'run.mjs'))) {
    // A Node-driven benchmark (it starts workerd itself) prints its own tables.
    const result = spawnSync(process.execPath, [join('bench', suite, 'run.mjs')], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) failed = true;
    continue;
  }
  const result = spawnSync('npx', ['vitest', 'run', '--config', join('bench', suite, 'vitest.config.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    maxBuffer: 1 << 26,
  });
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').filter((l) => l.includes('BENCH_RESULT '));
  if (result.status !== 0 || lines.length === 0) {
    failed = true;
    process.stdout.write(`${result.stdout}\n${result.stderr}\n`);
    continue;
  }
  for (const line of lines) {
    const json = line.slice(line.indexOf('{'));
    process.stdout.write(`${JSON.stringify(JSON.parse(json), null, 2)}\n`);
  }
}
process.exit(failed ? 1 : 0);
