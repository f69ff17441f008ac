import { applyD1Migrations, env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { STEPS, roundTrips } from './workflows.js';

const RUNS = 15;
const WARMUP = 3;

interface Bindings {
  DB: D1Database;
  TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1];
  PLAIN: Workflow;
  TRACKED: Workflow;
  DURABLE_HELPER: Workflow;
}
const bindings = env as unknown as Bindings;

async function timeRun(binding: Workflow): Promise<{ ms: number; id: string }> {
  const id = crypto.randomUUID();
  const started = performance.now();
  const instance = await binding.create({ id, params: {} });
  for (;;) {
    const { status } = await instance.status();
    if (status === 'complete') return { ms: performance.now() - started, id };
    if (status === 'errored' || status === 'terminated') throw new Error(`benchmark run ${id} ${status}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

it(`tracking overhead: ${STEPS}-step no-op workflow, ${RUNS} runs per variant, interleaved`, async () => {
  await applyD1Migrations(bindings.DB, bindings.TEST_MIGRATIONS);
  const variants = { plain: bindings.PLAIN, tracked: bindings.TRACKED, durableHelper: bindings.DURABLE_HELPER } as const;
  const times: Record<keyof typeof variants, number[]> = { plain: [], tracked: [], durableHelper: [] };
  const trips: Record<'tracked' | 'durableHelper', number[]> = { tracked: [], durableHelper: [] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const name of Object.keys(variants) as (keyof typeof variants)[]) {
      const { ms, id } = await timeRun(variants[name]);
      if (i < WARMUP) continue;
      times[name].push(ms);
      if (name !== 'plain') trips[name].push(roundTrips.get(id)?.n ?? Number.NaN);
    }
  }
  const result = {
    steps: STEPS,
    runs: RUNS,
    median_ms: { plain: median(times.plain), tracked: median(times.tracked), durableHelper: median(times.durableHelper) },
    ratio_vs_plain: {
      tracked: median(times.tracked) / median(times.plain),
      durableHelper: median(times.durableHelper) / median(times.plain),
    },
    d1_round_trips_per_step: {
      tracked: median(trips.tracked) / STEPS,
      durableHelper: median(trips.durableHelper) / STEPS,
    },
  };
  console.log(`BENCH_RESULT tracking ${JSON.stringify(result)}`);
  expect(result.d1_round_trips_per_step.tracked).toBeGreaterThan(0);
}, 600_000);
