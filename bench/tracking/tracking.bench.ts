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
  WORKFLOW_TRACKER: DurableObjectNamespace;
}
const bindings = env as unknown as Bindings;

/**
 * A socket on the run's live topic, as the service hands a browser's to the tracker: settles
 * with the time the run's `Completed` update arrived.
 */
async function watchRun(id: string): Promise<{ completed: Promise<number>; close: () => void }> {
  const topic = `run:${id}`;
  const tracker = bindings.WORKFLOW_TRACKER.get(bindings.WORKFLOW_TRACKER.idFromName(topic));
  const response = await tracker.fetch('https://tracker/', { headers: { Upgrade: 'websocket', 'X-Flowflare-Topic': topic } });
  const ws = response.webSocket!;
  ws.accept();
  const completed = new Promise<number>((resolve) => {
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; data?: { kind?: string; data?: { status?: string } } };
      if (message.type === 'update' && message.data?.kind === 'run' && message.data.data?.status === 'Completed') resolve(performance.now());
    });
  });
  return { completed, close: () => ws.close(1000, 'done') };
}

async function timeRun(binding: Workflow, id = crypto.randomUUID()): Promise<{ ms: number; id: string; done: number }> {
  const started = performance.now();
  const instance = await binding.create({ id, params: {} });
  for (;;) {
    const { status } = await instance.status();
    if (status === 'complete') return { ms: performance.now() - started, id, done: performance.now() };
    if (status === 'errored' || status === 'terminated') throw new Error(`benchmark run ${id} ${status}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Milliseconds from the engine's end of a run to its final record in D1 (the follower's write). */
async function recordLag(id: string, done: number): Promise<number> {
  for (;;) {
    const mark = await bindings.DB.prepare('SELECT mark FROM workflow_run_cursors WHERE run_id = ?').bind(id).first<string>('mark');
    if (mark?.startsWith('workflow_completed@')) return performance.now() - done;
    if (performance.now() - done > 30_000) throw new Error(`run ${id} was not recorded`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

it(`tracking overhead: ${STEPS}-step no-op workflow, ${RUNS} runs per variant, interleaved`, async () => {
  await applyD1Migrations(bindings.DB, bindings.TEST_MIGRATIONS);
  const variants = { plain: bindings.PLAIN, tracked: bindings.TRACKED, durableHelper: bindings.DURABLE_HELPER } as const;
  const times: Record<keyof typeof variants, number[]> = { plain: [], tracked: [], durableHelper: [] };
  const trips: Record<'tracked' | 'durableHelper', number[]> = { tracked: [], durableHelper: [] };
  const lags: number[] = [];
  const socketLags: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const name of Object.keys(variants) as (keyof typeof variants)[]) {
      const runId = crypto.randomUUID();
      const socket = name === 'plain' ? null : await watchRun(runId);
      const { ms, id, done } = await timeRun(variants[name], runId);
      // the next run starts once the follower has recorded this one, so runs do not overlap
      const lag = name === 'plain' ? 0 : await recordLag(id, done);
      const socketLag = socket ? (await socket.completed) - done : 0;
      socket?.close();
      if (i < WARMUP) continue;
      times[name].push(ms);
      if (name !== 'plain') {
        trips[name].push(roundTrips.get(id)?.n ?? Number.NaN);
        lags.push(lag);
        socketLags.push(socketLag);
      }
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
    // D1 calls made inside the workflow's isolate: none, the follower writes the records
    d1_round_trips_per_step_in_workflow: {
      tracked: median(trips.tracked) / STEPS,
      durableHelper: median(trips.durableHelper) / STEPS,
    },
    engine_end_to_d1_record_ms: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99) },
    engine_end_to_socket_ms: { p50: percentile(socketLags, 0.5), p99: percentile(socketLags, 0.99) },
  };
  console.log(`BENCH_RESULT tracking ${JSON.stringify(result)}`);
  expect(result.engine_end_to_d1_record_ms.p50).toBeGreaterThanOrEqual(0);
}, 600_000);
