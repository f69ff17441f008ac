#!/usr/bin/env node
// `npm run bench bundle`: the size of the service Worker `flowflare-setup` sets up, as wrangler
// bundles it for upload, and what it is made of.
//   node bench/bundle/run.mjs [--no-build] [--no-startup] [--json]
// Builds dist/ first (tsc, and the static folder dist/static/ the service's [assets] serve), unless --no-build; --no-startup skips the startup profile; --json
// prints one JSON line instead of tables.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../../scripts/build-dashboard.mjs';
import { buildOpenApi } from '../../scripts/build-openapi.mjs';
import { measureServiceBundle } from './measure.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
if (!args.includes('--no-build')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const project of ['tsconfig.json', 'tsconfig.cli.json']) execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  buildDashboard();
  await buildOpenApi();
}
const result = await measureServiceBundle(root, { startup: !args.includes('--no-startup') });
if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  console.log('service bundle (wrangler deploy --dry-run)');
  console.table({ raw: kib(result.rawBytes), gzip: kib(result.gzipBytes), 'wrangler (total / gzip)': `${result.wranglerKiB.total} / ${result.wranglerKiB.gzip} KiB`, 'startup CPU (wrangler check startup, median)': result.startupMs === null ? 'not measured' : `${result.startupMs} ms` });
  console.log('input bytes in the bundle, by package (esbuild metafile, unminified)');
  console.table(Object.fromEntries(Object.entries(result.groups).sort((a, b) => b[1] - a[1]).map(([group, bytes]) => [group, kib(bytes)])));
  console.log('largest input files');
  console.table(result.files.slice(0, 15).map((f) => ({ file: f.path, size: kib(f.bytes) })));
}
