#!/usr/bin/env node
// `npm run bench counts`: GET /api/runs/counts with 1,000,000 and 10,000,000 runs in local D1,
// through the real service (workerd, Miniflare), p50 and p99 per filter, with each query's plan.
// Counts by workflow, ref_type and key scopes add up the run counters (migration 0006); a count
// over a time range is not in the counters and counts the runs through their index, shown beside.
//
// The runs are seeded straight into the local D1's SQLite file (INSERT ... SELECT from a recursive
// CTE, the triggers keeping the counters as any write does) while workerd is stopped.
//   node bench/counts/run.mjs [--runs 1000000,10000000] [--samples 200]
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { startLocalService } from '../service/local-service.mjs';
import { seedRuns } from '../service/seed.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const SIZES = option('runs', '1000000,10000000').split(',').map(Number);
const SAMPLES = Number(option('samples', '200'));
/** The count over a time range reads every run: fewer samples. */
const SCAN_SAMPLES = 5;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))];
};
const ms = (x) => `${x.toFixed(2)} ms`;
/** The statuses GET /api/runs/counts counts. */
const ALL_STATUSES = ['Queued', 'Running', 'Paused', 'Sleeping', 'Waiting', 'Completed', 'Errored', 'Terminated', 'Pending'];

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ')).join('\n');
}

/** The data layer's statement builders, bundled so the plans shown are of the exact SQL the API runs. */
async function loadQueries(dir) {
  const out = join(dir, 'queries.mjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('../../src/store/queries.ts', import.meta.url))], bundle: true, format: 'esm', outfile: out, logLevel: 'silent' });
  return import(pathToFileURL(out).href);
}

/** Seeds `total` runs into the stopped service's D1 file. */
async function seedFile(dir, total) {
  const folder = join(dir, 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(folder).find((n) => n.endsWith('.sqlite') && n !== 'metadata.sqlite');
  const db = new DatabaseSync(join(folder, file));
  db.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;');
  const started = Date.now();
  // the D1 shape seedRuns uses, over the SQLite file
  const d1 = { prepare: (sql) => ({ run: async () => db.exec(sql), all: async () => ({ results: db.prepare(sql).all() }) }) };
  await seedRuns(d1, total, (done) => {
    if (process.stdout.isTTY) process.stdout.write(`\rseeding runs: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
  });
  db.exec('PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;');
  db.close();
  return (Date.now() - started) / 1000;
}

async function timed(call) {
  const started = performance.now();
  const response = await call();
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, body };
}

console.log(`Run counts — workerd (Miniflare) with local D1, Node ${process.version}; timed from Node through the service`);
for (const total of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'flowflare-bench-counts-'));
  try {
    const first = await startLocalService({ persistDir: dir, apiKey: 'bench-key' });
    await first.dispose();
    const seconds = await seedFile(dir, total);
    const service = await startLocalService({ persistDir: dir, apiKey: 'bench-key', migrate: false });
    try {
      const auth = { Authorization: 'Bearer bench-key' };
      const count = (await service.db.prepare('SELECT sum(n) AS n FROM workflow_run_counts').first()).n;
      console.log(`\n${count.toLocaleString('en-US')} runs (seeded in ${seconds.toFixed(0)} s)`);
      const scoped = (
        await timed(() =>
          service.callService('/api/keys', { method: 'POST', headers: auth, body: JSON.stringify({ name: 'bench-scoped', role: 'read', scopes: { workflows: ['bench_1', 'bench_2'] } }) }),
        )
      ).body.key;
      const { countRunsStatement, explainQueryPlan } = await loadQueries(dir);
      const statuses = ['Running', 'Completed'];
      const shapes = [
        { label: 'all runs', path: '/api/runs/counts', filters: {} },
        { label: 'workflow=bench_3', path: '/api/runs/counts?workflow=bench_3', filters: { workflow_name: 'bench_3' } },
        { label: 'ref_type=account', path: '/api/runs/counts?ref_type=account', filters: { ref_type: 'account' } },
        { label: 'key scoped to 2 workflows', path: '/api/runs/counts', key: scoped, filters: { within: { workflows: ['bench_1', 'bench_2'] } } },
        { label: 'since (time range: runs index)', path: '/api/runs/counts?since=2000-01-01T00:00:00.000Z', filters: { since: '2000-01-01T00:00:00.000Z' }, samples: SCAN_SAMPLES },
        { label: 'no D1 (GET /api/workflows/names)', path: '/api/workflows/names', samples: SAMPLES },
      ];
      const times = shapes.map(() => []);
      const totals = shapes.map(() => null);
      // warm up, then the shapes take turns call by call
      for (const s of shapes) await timed(() => service.callService(s.path, { headers: { Authorization: `Bearer ${s.key ?? 'bench-key'}` } }));
      for (let i = 0; i < SAMPLES; i++) {
        for (const [n, s] of shapes.entries()) {
          if (i >= (s.samples ?? SAMPLES)) continue;
          const { ms: took, body } = await timed(() => service.callService(s.path, { headers: { Authorization: `Bearer ${s.key ?? 'bench-key'}` } }));
          times[n].push(took);
          totals[n] = body.total ?? null;
        }
      }
      const rows = [['GET /api/runs/counts', 'total', 'p50', 'p99', 'calls', 'SQL mean (D1 timer)', 'query plan']];
      for (const [n, s] of shapes.entries()) {
        let plan = '';
        let sql = '';
        if (s.filters) {
          // the statement the route runs, alone: D1's own timing of the SQL (workerd's clock moves in
          // whole milliseconds, so the mean of many), without the request around it
          const statement = countRunsStatement(s.filters, ALL_STATUSES);
          const durations = [];
          for (let i = 0; i < (s.samples ?? 50); i++) durations.push((await service.db.prepare(statement.sql).bind(...statement.params).all()).meta.duration);
          sql = ms(durations.reduce((a, d) => a + d, 0) / durations.length);
          plan = (await explainQueryPlan(service.db, countRunsStatement(s.filters, statuses))).join('; ');
        }
        rows.push([s.label, totals[n] === null ? '' : totals[n].toLocaleString('en-US'), ms(quantile(times[n], 0.5)), ms(quantile(times[n], 0.99)), times[n].length, sql, plan]);
      }
      console.log(table(rows));
    } finally {
      await service.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
