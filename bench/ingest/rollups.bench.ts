import { applyD1Migrations } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { runTransition, stepTransition } from '../../src/ingest/transitions.js';
import { writeBatch } from '../../src/store/batch.js';
import { withoutRollupTriggers } from '../rollup-triggers.js';
import { b, follower, until } from './bindings.js';
import { STEPS } from './worker.js';

/** Alternating rounds per side; the medians are reported. */
const ROUNDS = 5;
/** Runs per round of the tracking-write comparison, each with {@link STEPS} steps. */
const RUNS_PER_ROUND = 20;
/** Finished runs followed per round of the follower comparison. */
const FOLLOWED_PER_ROUND = 10;

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const iso = (t: number) => new Date(t).toISOString();

/**
 * Tracks `runs` runs as a tracking writer does, one batch per transition: the run queued and
 * started, each step started and finished (the first with a retry), the run completed.
 * @returns milliseconds per tracked step
 */
async function trackRuns(round: number, runs: number): Promise<number> {
  const started = performance.now();
  const t0 = Date.now();
  for (let r = 0; r < runs; r++) {
    const runId = `rollup-${round}-${r}`;
    const at = (n: number) => iso(t0 + r * 1000 + n);
    await writeBatch(b.DB, runTransition({ runId, workflow: { identity: { name: 'rollup_bench', ref_type: 'account', ref_id: `a-${r}` } }, fields: { status: 'Queued' }, now: at(0) }));
    await writeBatch(b.DB, runTransition({ runId, workflow: { existing: true }, fields: { status: 'Running' }, now: at(1) }));
    for (let s = 0; s < STEPS; s++) {
      const key = { run_id: runId, step_name: `s${s}`, step_count: 1 };
      await writeBatch(b.DB, stepTransition({ key, fields: { step_type: 'do', status: 'Running', attempts: 1, started_at: at(10 + s * 10) }, now: at(10 + s * 10) }));
      const attempts = s === 0 ? 2 : 1;
      await writeBatch(
        b.DB,
        stepTransition({ key, fields: { status: 'Completed', attempts, retry_count: attempts - 1, completed_at: at(15 + s * 10) }, attempt: { attempt: attempts, status: 'Completed', ended_at: at(15 + s * 10) }, now: at(15 + s * 10) }),
      );
    }
    await writeBatch(b.DB, runTransition({ runId, workflow: { existing: true }, fields: { status: 'Completed' }, now: at(999) }));
  }
  return (performance.now() - started) / (runs * STEPS);
}

/** Follows finished runs at once, as their followers do. @returns milliseconds per tracked step */
async function followRuns(ids: string[]): Promise<number> {
  const started = performance.now();
  await Promise.all(ids.map((id) => follower(id).follow({ runId: id, workflowName: 'ingest_bench', binding: 'INGEST_BENCH' })));
  const list = JSON.stringify(ids);
  await until(
    async () =>
      (await b.DB.prepare("SELECT count(*) AS n FROM workflow_run_cursors WHERE run_id IN (SELECT value FROM json_each(?)) AND mark LIKE 'workflow_completed@%'")
        .bind(list)
        .first<number>('n')) === ids.length,
    'every run recorded',
  );
  return (performance.now() - started) / (ids.length * STEPS);
}

it('rollups: the extra write cost per tracked step, with the rollup triggers and without, alternating', async () => {
  await applyD1Migrations(b.DB, b.TEST_MIGRATIONS);
  await trackRuns(-1, 5); // warm up
  const writes = { with: [] as number[], without: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    writes.with.push(await trackRuns(round * 2, RUNS_PER_ROUND));
    writes.without.push(await withoutRollupTriggers(b.DB, () => trackRuns(round * 2 + 1, RUNS_PER_ROUND)));
  }

  const groups = Array.from({ length: ROUNDS * 2 }, () => Array.from({ length: FOLLOWED_PER_ROUND }, () => crypto.randomUUID()));
  await b.INGEST_BENCH.createBatch(groups.flat().map((id) => ({ id, params: {} })));
  for (const id of groups.flat()) {
    const instance = await b.INGEST_BENCH.get(id);
    await until(async () => (await instance.status()).status === 'complete', `run ${id}`);
  }
  const follows = { with: [] as number[], without: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    follows.with.push(await followRuns(groups[round * 2]!));
    follows.without.push(await withoutRollupTriggers(b.DB, () => followRuns(groups[round * 2 + 1]!)));
  }

  const side = (xs: { with: number[]; without: number[] }) => {
    const w = median(xs.with);
    const wo = median(xs.without);
    return { with_rollups_ms_per_step: Number(w.toFixed(3)), without_rollups_ms_per_step: Number(wo.toFixed(3)), ratio: Number((w / wo).toFixed(2)) };
  };
  const counted = await b.DB.prepare("SELECT sum(completed) AS n FROM metrics_runs WHERE grain = 'day' AND workflow_name = 'rollup_bench' AND ref_type = '*'").first<number>('n');
  const result = {
    rounds: ROUNDS,
    tracking_writes: { runs_per_round: RUNS_PER_ROUND, steps_per_run: STEPS, batches_per_step: 2, ...side(writes) },
    followers: { runs_per_round: FOLLOWED_PER_ROUND, steps_per_run: STEPS, ...side(follows) },
  };
  console.log(`BENCH_RESULT rollups ${JSON.stringify(result)}`);
  // only the rounds with the triggers counted their runs
  expect(counted).toBe(ROUNDS * RUNS_PER_ROUND + 5);
}, 900_000);
