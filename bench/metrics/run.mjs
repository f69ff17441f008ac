#!/usr/bin/env node
// `npm run bench`: GET /api/metrics for a 30-day hourly range with the rollups of 1,000,000 and of
// 10,000,000 recorded runs (a year of history) in local D1, p50 and p99 side by side, with the
// query plan of every rollup read (indexes only); and a ref_id filter, served from the recorded
// runs, with 1,000,000 runs.
//
// Everything runs locally in workerd (Miniflare) with D1 persisted to a temporary folder that is
// removed at the end.
//   node bench/metrics/run.mjs [--samples 60]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { startLocalService } from '../service/local-service.mjs';
import { seedRuns } from '../service/seed.mjs';
import { seedRollups } from './seed-rollups.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SAMPLES = option('samples', 60);
const RAW_RUNS = option('runs', 1_000_000);
const HOUR = 3_600_000;
const DAY = 86_400_000;

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (x) => `${x.toFixed(1)} ms`;

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ')).join('\n');
}

/** The data layer's rollup reads, bundled so this script explains the exact SQL the API runs. */
async function loadStore(dir) {
  const out = join(dir, 'metrics-store.mjs');
  buildSync({
    stdin: {
      contents: `export * from './src/store/metrics.ts'; export { explainQueryPlan } from './src/store/queries.ts';`,
      resolveDir: fileURLToPath(new URL('../..', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    outfile: out,
    logLevel: 'silent',
  });
  return import(pathToFileURL(out).href);
}

const dir = mkdtempSync(join(tmpdir(), 'flowflare-bench-metrics-'));
const service = await startLocalService({ persistDir: dir, apiKey: 'bench-key' });
try {
  console.log(`Flowflare metrics benchmark — workerd (Miniflare) with local D1, Node ${process.version}\n`);
  const end = Math.floor(Date.now() / HOUR) * HOUR;
  const range = `from=${end - 30 * DAY}&to=${end}&bucket=hour`;
  const queries = [
    ['all workflows, 30 days hourly', `/api/metrics?${range}`],
    ['workflow=bench_3, 30 days hourly', `/api/metrics?workflow=bench_3&${range}`],
    ['workflow=bench_3 ref_type=order, 30 days hourly', `/api/metrics?workflow=bench_3&ref_type=order&${range}`],
  ];
  const call = async (path) => {
    const started = performance.now();
    const response = await service.callService(path, { headers: { Authorization: 'Bearer bench-key' } });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    const body = await response.json();
    return { ms: performance.now() - started, body };
  };
  const measure = async (path) => {
    await call(path);
    const times = [];
    for (let i = 0; i < SAMPLES; i++) times.push((await call(path)).ms);
    return times;
  };

  const results = [['recorded runs', 'query', 'rollup rows', 'p50', 'p99', 'series', 'steps']];
  for (const runs of [1_000_000, 10_000_000]) {
    const seeding = Date.now();
    const { rows } = await seedRollups(service.db, runs, end);
    console.log(`seeded rollups of ${runs.toLocaleString('en-US')} runs (${rows.toLocaleString('en-US')} rows) in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    for (const [label, path] of queries) {
      const times = await measure(path);
      const { body } = await call(path);
      const total = body.totals.completed + body.totals.errored + body.totals.terminated;
      if (total === 0) throw new Error(`${label}: the report counts no runs`);
      results.push([runs.toLocaleString('en-US'), label, rows.toLocaleString('en-US'), ms(quantile(times, 0.5)), ms(quantile(times, 0.99)), body.series.length, body.steps.length]);
    }
  }

  // ref_id filters are served from the recorded runs (runs_by_ref), with RAW_RUNS of them
  const seeding = Date.now();
  await seedRuns(service.db, RAW_RUNS);
  console.log(`seeded ${RAW_RUNS.toLocaleString('en-US')} runs in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
  const refPath = `/api/metrics?ref_type=account&ref_id=acct-4242&from=2025-01-01&to=2025-01-31&bucket=day`;
  const refTimes = await measure(refPath);
  results.push([RAW_RUNS.toLocaleString('en-US'), 'ref_id=acct-4242 (from runs), 30 days daily', '-', ms(quantile(refTimes, 0.5)), ms(quantile(refTimes, 0.99)), 30, (await call(refPath)).body.steps.length]);

  console.log(`\nGET /api/metrics (${SAMPLES} sequential samples per query)`);
  console.log(table(results));
  const [p1, p10] = [results[1], results[1 + queries.length]];
  console.log(`\np50 ratio, all workflows, 10M / 1M runs: ${(parseFloat(p10[3]) / parseFloat(p1[3])).toFixed(2)}×`);

  const store = await loadStore(dir);
  const hourRange = { grain: 'hour', from: new Date(end - 30 * DAY).toISOString(), to: new Date(end).toISOString() };
  const plans = [
    ['runs, all', store.runRollupsStatement(hourRange, ['*'], ['*'])],
    ['runs, workflow × ref_type', store.runRollupsStatement(hourRange, ['bench_3'], ['order'])],
    ['steps, all', store.stepRollupsStatement({ ...hourRange, grain: 'day' }, null)],
    ['steps, workflow', store.stepRollupsStatement(hourRange, ['bench_3'])],
    ['errors, all', store.errorRollupsStatement({ ...hourRange, grain: 'day' }, null)],
    ['errors, workflow', store.errorRollupsStatement(hourRange, ['bench_3'])],
  ];
  console.log('\nQuery plans');
  const planRows = [['read', 'plan']];
  let scans = 0;
  for (const [label, statement] of plans) {
    const plan = await store.explainQueryPlan(service.db, statement);
    if (plan.some((line) => /^SCAN /.test(line) && !/VIRTUAL TABLE/.test(line))) scans++;
    planRows.push([label, plan.join('; ')]);
  }
  console.log(table(planRows));
  console.log(scans === 0 ? '\nevery rollup read uses an index: no table scan' : `\n${scans} TABLE SCAN(S) FOUND`);
  if (scans > 0) process.exitCode = 1;
} finally {
  await service.dispose();
  rmSync(dir, { recursive: true, force: true });
}
