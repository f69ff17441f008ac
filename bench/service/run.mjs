#!/usr/bin/env node
// `npm run bench`: measures, in one run and side by side, (1) starting a workflow through the
// client → service → Workflow binding against calling the binding directly and against a service
// binding whose Worker only calls create() (starts back to back, and each start alone), and (2) query latency
// with 1,000,000 runs in local D1, with the query plan of each query.
//
// Everything runs locally in workerd (Miniflare) with D1, Durable Objects and Workflows persisted
// to a temporary folder that is removed at the end.
//   node bench/service/run.mjs [--runs 1000000] [--samples 30]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { startLocalService } from './local-service.mjs';
import { seedRuns } from './seed.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('runs', 1_000_000);
const SAMPLES = option('samples', 30);
const PER_SAMPLE = 10;
const PAGE = 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const ms = (x) => `${x.toFixed(2)} ms`;

async function json(response) {
  if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
  return response.json();
}

/** The data layer's statement builders, bundled so this script explains the exact SQL the API runs. */
async function loadQueries(dir) {
  const out = join(dir, 'queries.mjs');
  buildSync({ entryPoints: [fileURLToPath(new URL('../../src/store/queries.ts', import.meta.url))], bundle: true, format: 'esm', outfile: out, logLevel: 'silent' });
  return import(pathToFileURL(out).href);
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ')).join('\n');
}

const dir = mkdtempSync(join(tmpdir(), 'flowflare-bench-'));
const service = await startLocalService({ persistDir: dir, apiKey: 'bench-key' });
try {
  console.log(`Flowflare benchmark — workerd (Miniflare) with local D1 and Workflows, Node ${process.version}\n`);

  // 1. Start: client → service binding → service → Workflow binding, against the binding directly
  // and against a service binding whose Worker only calls create() (the floor of any such path).
  await json(await service.callClient(`/start?n=2&k=5`)); // warm up every path
  for (const idle of [false, true]) {
    const perSample = idle ? PER_SAMPLE / 2 : PER_SAMPLE;
    const start = await json(await service.callClient(`/start?n=${SAMPLES}&k=${perSample}&idle=${idle ? 1 : 0}`));
    const startClient = median(start.viaClient);
    const startWithId = median(start.withId);
    const startDirect = median(start.direct);
    const startHop = median(start.hop);
    console.log(
      idle
        ? `Start a workflow, each start alone: the previous one's instance complete and run recorded first (${SAMPLES} samples × ${perSample} starts per path, taking turns)`
        : `Start a workflow, starts back to back: each sample is ${perSample} starts of one path in a row, under the work its own earlier starts left (the engine running them; for the client's, the followers), begun once the previous block is over, the paths taking turns (${SAMPLES} samples per path)`,
    );
    console.log(
      table([
        ['path', 'median', 'p90', 'ratio (client / this)'],
        ['client → service → binding', ms(startClient), ms(p90(start.viaClient)), ''],
        ['binding.create({ id, params }) directly', ms(startWithId), ms(p90(start.withId)), `${(startClient / startWithId).toFixed(2)}×`],
        ['binding.create({ params }) directly', ms(startDirect), ms(p90(start.direct)), `${(startClient / startDirect).toFixed(2)}×`],
        ['service binding → create() only (the floor)', ms(startHop), ms(p90(start.hop)), `${(startClient / startHop).toFixed(2)}×`],
      ]),
    );
    console.log(`the floor itself (service binding → create() only / create with an id): ${(startHop / startWithId).toFixed(2)}×`);
    console.log(`median ratio (client / create with the id the service gives): ${(startClient / startWithId).toFixed(2)}×\n`);
  }

  // 2. Queries with RUNS runs.
  const seeding = Date.now();
  const progress = process.stdout.isTTY ? (done) => process.stdout.write(`\rseeding runs: ${done.toLocaleString('en-US')} / ${RUNS.toLocaleString('en-US')}`) : undefined;
  await seedRuns(service.db, RUNS, progress);
  const total = (await service.db.prepare('SELECT count(*) AS n FROM workflow_runs').first()).n;
  console.log(`\rseeded ${total.toLocaleString('en-US')} runs in ${((Date.now() - seeding) / 1000).toFixed(1)} s${' '.repeat(20)}`);

  const refId = `acct-${Math.floor(RUNS / 20) % 100_000}`;
  const walking = Date.now();
  const { cursor } = await json(await service.callClient(`/walk?n=${PAGE}`));
  console.log(`walked to page ${PAGE} by cursor in ${((Date.now() - walking) / 1000).toFixed(1)} s`);
  await json(await service.callClient(`/queries?n=2&k=2&ref_id=${refId}&cursor=${cursor}`)); // warm up
  const q = await json(await service.callClient(`/queries?n=${SAMPLES}&k=${PER_SAMPLE}&ref_id=${refId}&cursor=${cursor}`));

  const { runsPageStatement, workflowsByRefStatement, countRunsStatement, explainQueryPlan, decodeCursorForBench } = await loadQueries(dir).then((m) => ({
    ...m,
    decodeCursorForBench: (c) => {
      const [at, id] = JSON.parse(Buffer.from(c.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
      return { at, id };
    },
  }));
  const plans = {
    byRef: [
      ...(await explainQueryPlan(service.db, workflowsByRefStatement('account', refId, 100))),
      ...(await explainQueryPlan(service.db, runsPageStatement({ ref_type: 'account', ref_id: refId }, 25))),
    ],
    statusPage: await explainQueryPlan(service.db, runsPageStatement({ status: 'Errored' }, 25)),
    page1000: await explainQueryPlan(service.db, runsPageStatement({}, 25, decodeCursorForBench(cursor))),
    counts: await explainQueryPlan(service.db, countRunsStatement({}, ['Running'])),
    countsByName: await explainQueryPlan(service.db, countRunsStatement({ workflow_name: 'bench_3' }, ['Running'])),
  };

  console.log(`\nQueries through the client with ${total.toLocaleString('en-US')} runs (${SAMPLES} samples × ${PER_SAMPLE} calls)`);
  const rows = [['query', 'median', 'p90', 'query plan']];
  const labels = {
    byRef: `getWorkflowsByRef (${refId})`,
    statusPage: 'listRuns status=Errored, 25',
    page1000: `listRuns page ${PAGE} by cursor, 25`,
    counts: 'countRuns (all runs)',
    countsByName: 'countRuns workflow=bench_3',
  };
  for (const key of ['byRef', 'statusPage', 'page1000', 'counts', 'countsByName']) {
    rows.push([labels[key], ms(median(q[key])), ms(p90(q[key])), plans[key].join('; ')]);
  }
  console.log(table(rows));
  // json_each (the list of statuses counted) is a virtual table of a few rows, not stored data.
  const scans = Object.values(plans).flat().filter((line) => /^SCAN /.test(line) && !/USING|VIRTUAL TABLE/.test(line));
  console.log(scans.length === 0 ? '\nevery plan uses an index: no table scan' : `\nTABLE SCANS FOUND: ${scans.join('; ')}`);
  if (scans.length > 0) process.exitCode = 1;

  // 3. GET /api/runs under load, with a stored read key, against a bare Worker running the same query.
  const reader = await json(
    await service.callService('/api/keys', { method: 'POST', headers: { Authorization: 'Bearer bench-key' }, body: JSON.stringify({ name: 'bench-reader', role: 'read' }) }),
  );
  const LOAD = option('load', 400);
  const ROUNDS = 7;
  const load = async (call, concurrency) => {
    let left = LOAD;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) {
          const response = await call();
          if (!response.ok) throw new Error(`list answered ${response.status}`);
          await response.arrayBuffer();
        }
      }),
    );
    return LOAD / ((performance.now() - started) / 1000);
  };
  const list = () => service.callService('/api/runs?limit=25', { headers: { Authorization: `Bearer ${reader.key}` } });
  const bare = () => service.callBare('/?limit=25');
  await load(list, 10);
  await load(bare, 10); // warm up both
  console.log(`\nGET /api/runs?limit=25 with a stored read key against a bare Worker running the same D1 query: ${ROUNDS} alternating rounds of ${LOAD} requests per path, medians`);
  const loadRows = [['concurrency', 'service req/s', 'bare req/s', 'ratio']];
  for (const concurrency of [1, 50]) {
    const a = [];
    const b = [];
    for (let round = 0; round < ROUNDS; round++) {
      a.push(await load(list, concurrency));
      b.push(await load(bare, concurrency));
    }
    loadRows.push([String(concurrency), median(a).toFixed(0), median(b).toFixed(0), `${(median(a) / median(b)).toFixed(2)}×`]);
  }
  console.log(table(loadRows));
} finally {
  await service.dispose();
  rmSync(dir, { recursive: true, force: true });
}
