import { applyD1Migrations, env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { followerOf, until } from '../followers.js';

const RUNS = 100;

interface Bindings {
  DB: D1Database;
  TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1];
  INGEST_BENCH: Workflow;
  WORKFLOW_TRACKER: DurableObjectNamespace;
}
const b = env as unknown as Bindings;
const follower = (id: string) => followerOf(b.WORKFLOW_TRACKER, id);

/**
 * The bare loop: the same rows (runs, steps, attempts, events) written into copies of the tables,
 * one batch per run per 100 engine events, all runs at once, with nothing else to do. With
 * `readStream`, each run's engine history is first read through `subscribe()` as a follower must:
 * the least any ingestion from the engine can cost.
 */
async function bareLoop(ids: string[], eventsPerRun: Map<string, number>, readStream: boolean): Promise<number> {
  await b.DB.batch(
    ['workflow_runs', 'workflow_steps', 'workflow_step_retries', 'workflow_events'].flatMap((t) => [
      b.DB.prepare(`DROP TABLE IF EXISTS bare_${t}`),
      b.DB.prepare(`CREATE TABLE bare_${t} AS SELECT * FROM ${t} WHERE 0`),
    ]),
  );
  const rowsOf = async (id: string) => {
    const [runs, steps, attempts, events] = await b.DB.batch([
      b.DB.prepare('SELECT * FROM workflow_runs WHERE id = ?').bind(id),
      b.DB.prepare('SELECT * FROM workflow_steps WHERE run_id = ?').bind(id),
      b.DB.prepare('SELECT * FROM workflow_step_retries WHERE run_id = ?').bind(id),
      b.DB.prepare('SELECT * FROM workflow_events WHERE run_id = ?').bind(id),
    ]);
    return { runs: runs!.results, steps: steps!.results, attempts: attempts!.results, events: events!.results } as Record<string, Record<string, unknown>[]>;
  };
  const all = await Promise.all(ids.map(async (id) => [id, await rowsOf(id)] as const));
  const started = performance.now();
  await Promise.all(
    all.map(async ([id, tables]) => {
      if (readStream) await readHistory(id);
      const statements = Object.entries({
        workflow_runs: tables.runs!,
        workflow_steps: tables.steps!,
        workflow_step_retries: tables.attempts!,
        workflow_events: tables.events!,
      }).flatMap(([table, rows]) =>
        rows.map((row) => {
          const cols = Object.keys(row);
          return b.DB.prepare(`INSERT INTO bare_${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).bind(...cols.map((c) => row[c] as never));
        }),
      );
      const batches = Math.max(1, Math.ceil((eventsPerRun.get(id) ?? 1) / 100));
      const size = Math.ceil(statements.length / batches);
      for (let i = 0; i < statements.length; i += size) await b.DB.batch(statements.slice(i, i + size));
    }),
  );
  return performance.now() - started;
}

/** Reads a finished run's whole engine history. */
async function readHistory(id: string): Promise<number> {
  const subscription = await (await b.INGEST_BENCH.get(id)).subscribe({});
  let events = 0;
  try {
    while (!(await subscription.next()).done) events++;
  } finally {
    subscription[Symbol.dispose]();
  }
  return events;
}

it(`ingestion: ${RUNS} finished runs followed at once, against a bare batched-insert loop of the same rows`, async () => {
  await applyD1Migrations(b.DB, b.TEST_MIGRATIONS);
  // the runs finish first, unfollowed: what is measured is reading and recording their histories
  const ids = Array.from({ length: RUNS }, () => crypto.randomUUID());
  await b.INGEST_BENCH.createBatch(ids.map((id) => ({ id, params: {} })));
  for (const id of ids) {
    const instance = await b.INGEST_BENCH.get(id);
    await until(async () => (await instance.status()).status === 'complete', `run ${id}`);
  }

  const started = performance.now();
  await Promise.all(ids.map((id) => follower(id).follow({ runId: id, workflowName: 'ingest_bench', binding: 'INGEST_BENCH' })));
  const done = async () =>
    (await b.DB.prepare("SELECT count(*) AS n FROM workflow_run_cursors WHERE mark LIKE 'workflow_completed@%'").first<number>('n')) === RUNS;
  await until(done, 'every run recorded');
  const followMs = performance.now() - started;
  const cursors = await b.DB.prepare('SELECT run_id, cursor FROM workflow_run_cursors').all<{ run_id: string; cursor: number }>();
  const eventsPerRun = new Map(cursors.results.map((c) => [c.run_id, c.cursor]));
  const events = [...eventsPerRun.values()].reduce((a, n) => a + n, 0);

  const bareMs = await bareLoop(ids, eventsPerRun, false);
  const bareReadMs = await bareLoop(ids, eventsPerRun, true);
  const rate = (ms: number) => ({ ms: Math.round(ms), events_per_second: Math.round(events / (ms / 1000)) });
  const result = {
    runs: RUNS,
    engine_events: events,
    follower: rate(followMs),
    bare_write: rate(bareMs),
    bare_read_and_write: rate(bareReadMs),
    ratio_to_bare_write: Number((bareMs / followMs).toFixed(2)),
    ratio_to_bare_read_and_write: Number((bareReadMs / followMs).toFixed(2)),
  };
  console.log(`BENCH_RESULT ingest ${JSON.stringify(result)}`);
  expect(events).toBeGreaterThan(RUNS * 10);
}, 600_000);
