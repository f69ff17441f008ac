#!/usr/bin/env node
// `npm run bench`: a simulated year of history under a retention policy, in local workerd (Miniflare)
// with local D1. Each simulated day adds its runs (with steps, attempts and events) and then runs
// the service's scheduled handler at that day's time, as the cron would: time is moved by the
// benchmark, not waited for. Prints the database size as the days go (flat once the policy
// applies), the prune throughput, and the stalled-run sweep's cost.
//   node bench/retention/run.mjs [--per-day 2000] [--days 365] [--stalled 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { COMPATIBILITY_DATE } from '../../src/shared/compatibility-date.ts';
import { bundle, readMigrations } from '../service/local-service.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PER_DAY = option('per-day', 2000);
const DAYS = option('days', 365);
const STALLED = option('stalled', 1000);
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

const script = bundle('bench/retention/worker.ts');

const dir = mkdtempSync(join(tmpdir(), 'flowflare-retention-'));
const mf = new Miniflare(
  convertV4MiniflareOptions({
    d1Persist: `${dir}/d1`,
    durableObjectsPersist: `${dir}/do`,
    workers: [
      {
        name: 'service',
        modules: [{ type: 'ESModule', path: 'service.js', contents: script }],
        compatibilityDate: COMPATIBILITY_DATE,
        compatibilityFlags: ['nodejs_compat'],
        bindings: { SERVICE_API_KEY: 'bench-key' },
        d1Databases: { DB: 'flowflare-retention' },
        durableObjects: { WORKFLOW_TRACKER: { className: 'WorkflowTracker', useSQLite: true } },
      },
    ],
  }),
);

const iso = (ms) => new Date(ms).toISOString();
const seq = (n) => `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n - 1})`;

/** One day's runs: 90% Completed, 7% Errored, 3% Terminated, each with 3 steps, 4 attempts and 8 events. */
async function addDay(db, day, { runs = true, events = true } = {}) {
  const at = START + day * DAY;
  const prefix = `d${day}-`;
  const status = `CASE WHEN i % 100 < 90 THEN 'Completed' WHEN i % 100 < 97 THEN 'Errored' ELSE 'Terminated' END`;
  const time = `strftime('%Y-%m-%dT%H:%M:%fZ', ${at / 1000} + i * 86400.0 / ${PER_DAY}, 'unixepoch')`;
  const statements = [
    db.prepare(
      `${seq(PER_DAY)} INSERT INTO workflow_runs (id, workflow_id, workflow_name, status, ref_type, ref_id, input_params, output_result, metadata, started_at, completed_at, created_at, updated_at)
       SELECT '${prefix}' || i, 1, 'orders', ${status}, 'order', 'o-${day}-' || i, '{"order":' || i || ',"items":[{"sku":"tea","qty":2}]}', '{"charged":true}', '{"source":"web"}', ${time}, ${time}, ${time}, ${time} FROM seq`,
    ),
    db.prepare(
      `${seq(PER_DAY * 3)} INSERT INTO workflow_steps (run_id, step_name, step_count, step_number, step_type, status, attempts, retry_count, output_result, started_at, completed_at, duration_ms, created_at, updated_at)
       SELECT '${prefix}' || (i / 3), 'step-' || (i % 3), 1, i % 3 + 1, 'do', 'Completed', 1 + (i % 3 = 1), (i % 3 = 1), '{"ok":true}', ${time.replace('i *', '(i / 3) *')}, ${time.replace('i *', '(i / 3) *')}, 12, ${time.replace('i *', '(i / 3) *')}, ${time.replace('i *', '(i / 3) *')} FROM seq`,
    ),
    db.prepare(
      `${seq(PER_DAY * 4)} INSERT INTO workflow_step_retries (run_id, step_name, step_count, attempt, status, started_at, ended_at, duration_ms, created_at)
       SELECT '${prefix}' || (i / 4), 'step-' || min(i % 4, 2), 1, 1 + (i % 4 = 3), 'Completed', ${time.replace('i *', '(i / 4) *')}, ${time.replace('i *', '(i / 4) *')}, 5, ${time.replace('i *', '(i / 4) *')} FROM seq`,
    ),
    db.prepare(
      `${seq(PER_DAY * 8)} INSERT INTO workflow_events (kind, entity, content_key, run_id, workflow_id, workflow_name, ref_type, ref_id, data, created_at)
       SELECT 'step', 'step:' || (i / 8) || ':' || (i % 8), 'k' || i, '${prefix}' || (i / 8), 1, 'orders', 'order', 'o-${day}-' || (i / 8), '{"status":"Completed","step_name":"step-1","output_result":"{\\"ok\\":true}"}', ${time.replace('i *', '(i / 8) *')} FROM seq`,
    ),
    db.prepare(`UPDATE workflow SET run_count = run_count + ${PER_DAY}, updated_at = ? WHERE id = 1`).bind(iso(at + DAY)),
  ];
  // [runs, steps, attempts, events, workflow]
  await db.batch(statements.filter((_, i) => (i === 3 ? events : runs)));
}

async function size(db) {
  return (await db.prepare('SELECT 1').run()).meta.size_after;
}

try {
  const db = await mf.getD1Database('DB', 'service');
  for (const migration of readMigrations()) for (const query of migration.queries) await db.prepare(query).run();
  await db.prepare("INSERT INTO workflow (id, name, ref_type, ref_id, run_count, created_at, updated_at) VALUES (1, 'orders', NULL, NULL, 0, ?, ?)").bind(iso(START), iso(START)).run();
  const service = await mf.getWorker('service');
  // Bytes per run (with its 3 steps and 4 attempts) and per event, from the database's growth.
  const empty = await size(db);
  await addDay(db, -1000, { events: false });
  const withRuns = await size(db);
  await addDay(db, -999, { runs: false });
  const withEvents = await size(db);
  const perRun = (withRuns - empty) / PER_DAY;
  const perEvent = (withEvents - withRuns) / (PER_DAY * 8);
  await db.batch([
    db.prepare("DELETE FROM workflow_step_retries WHERE run_id LIKE 'd-%'"),
    db.prepare("DELETE FROM workflow_steps WHERE run_id LIKE 'd-%'"),
    db.prepare("DELETE FROM workflow_events WHERE run_id LIKE 'd-%'"),
    db.prepare("DELETE FROM workflow_runs WHERE id LIKE 'd-%'"),
    db.prepare('UPDATE workflow SET run_count = 0 WHERE id = 1'),
  ]);
  console.log(`bytes per run (3 steps, 4 attempts, indexes included): ${perRun.toFixed(0)}; per event: ${perEvent.toFixed(0)}`);
  console.log(`Simulated year: ${PER_DAY.toLocaleString('en-US')} runs a day for ${DAYS} days, policy completed 30 d, errored/terminated 90 d, events 7 d\n`);
  const rows = [['day', 'runs kept', 'events kept', 'db size', 'pruned that night', 'prune ms']];
  let prunedTotal = 0;
  let pruneMs = 0;
  for (let day = 0; day < DAYS; day++) {
    await addDay(db, day);
    const before = (await db.prepare('SELECT count(*) AS n FROM workflow_runs').first()).n;
    const started = performance.now();
    await service.scheduled({ scheduledTime: new Date(START + (day + 1) * DAY), cron: '*/15 * * * *' });
    const ms = performance.now() - started;
    const after = (await db.prepare('SELECT count(*) AS n FROM workflow_runs').first()).n;
    prunedTotal += before - after;
    if (before > after) pruneMs += ms;
    if ([0, 6, 29, 30, 89, 90, 179, 269, DAYS - 1].includes(day)) {
      const events = (await db.prepare('SELECT count(*) AS n FROM workflow_events').first()).n;
      rows.push([String(day + 1), after.toLocaleString('en-US'), events.toLocaleString('en-US'), `${((await size(db)) / 1048576).toFixed(1)} MiB`, (before - after).toLocaleString('en-US'), ms.toFixed(0)]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n'));
  console.log(`\nprune throughput: ${(prunedTotal / (pruneMs / 1000)).toFixed(0)} runs/s (${prunedTotal.toLocaleString('en-US')} runs with their steps, attempts and events, in batches of 100)`);

  // The sweep: STALLED unfinished runs untouched for a day, each handed to its follower.
  const at = START + (DAYS + 1) * DAY;
  await db.prepare(
    `${seq(STALLED)} INSERT INTO workflow_runs (id, workflow_id, workflow_name, status, created_at, updated_at) SELECT 'stalled-' || i, 1, 'orders', 'Running', ?, ? FROM seq`,
  ).bind(iso(at - DAY), iso(at - DAY)).run();
  let passes = 0;
  const sweepStarted = performance.now();
  while (passes < Math.ceil(STALLED / 200)) {
    await service.scheduled({ scheduledTime: new Date(at), cron: '*/15 * * * *' });
    passes++;
  }
  const sweepMs = performance.now() - sweepStarted;
  console.log(
    `sweep: ${passes} passes of up to 200 follower checks over ${STALLED.toLocaleString('en-US')} stalled runs, ${sweepMs.toFixed(0)} ms (${((sweepMs / (passes * 200)) * 10_000 / 1000).toFixed(1)} s of wall time per 10,000 checks, one follower request each)`,
  );
} finally {
  await mf.dispose();
  rmSync(dir, { recursive: true, force: true });
}
