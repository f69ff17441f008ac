import { applyD1Migrations, env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { updateWorkflowRun } from '../../src/workflow/index.js';

const SOCKETS = 1000;
const UPDATES = 100;

interface Bindings {
  DB: D1Database;
  TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1];
  WORKFLOW_TRACKER: DurableObjectNamespace;
  BARE_LOOP: DurableObjectNamespace<import('./worker.js').BareLoop>;
}
const b = env as unknown as Bindings;

/** Receipt times (performance.now()) per update number, across all sockets. */
type Receipts = Map<number, number[]>;

async function openSockets(open: () => Promise<Response>, parse: (data: string) => number | null): Promise<{ sockets: WebSocket[]; receipts: Receipts }> {
  const receipts: Receipts = new Map();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    const ws = (await open()).webSocket;
    if (!ws) throw new Error('socket refused');
    ws.accept();
    ws.addEventListener('message', (e: MessageEvent) => {
      const n = parse(String(e.data));
      if (n === null) return;
      const list = receipts.get(n) ?? [];
      list.push(performance.now());
      receipts.set(n, list);
    });
    sockets.push(ws);
  }
  return { sockets, receipts };
}

async function allReceived(receipts: Receipts, n: number): Promise<void> {
  while ((receipts.get(n)?.length ?? 0) < SOCKETS) await new Promise((r) => setTimeout(r, 0));
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function measure(send: (n: number) => Promise<unknown>, receipts: Receipts) {
  const latencies: number[] = [];
  const started = performance.now();
  for (let n = 1; n <= UPDATES; n++) {
    const t0 = performance.now();
    await send(n);
    await allReceived(receipts, n);
    for (const t of receipts.get(n)!) latencies.push(t - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  return { median_ms: quantile(latencies, 0.5), p99_ms: quantile(latencies, 0.99), messages_per_second: Math.round((SOCKETS * UPDATES) / seconds) };
}

it(`fan-out: ${SOCKETS} sockets on one topic, ${UPDATES} tracked updates, vs a bare Durable Object send loop`, async () => {
  await applyD1Migrations(b.DB, b.TEST_MIGRATIONS);
  const runId = 'fanout-run';
  await updateWorkflowRun({ id: runId, workflow_name: 'fanout', status: 'Running', metadata: { n: 0 } }, b);

  const tracked = await openSockets(
    () => exports.default.fetch(`https://bench.example/api/tracker-websocket?run_id=${runId}`, { headers: { Upgrade: 'websocket', 'X-API-Key': 'bench-key' } }),
    (data) => {
      const m = JSON.parse(data) as { type: string; data?: { data?: { metadata?: { n?: number } } } };
      return m.type === 'update' ? (m.data?.data?.metadata?.n ?? null) : null;
    },
  );
  // From the tracked write (a run update through the tracking helpers) to receipt on every socket.
  const flowflare = await measure((n) => updateWorkflowRun({ id: runId, status: n % 2 ? 'Sleeping' : 'Running', metadata: { n } }, b), tracked.receipts);

  const stub = b.BARE_LOOP.get(b.BARE_LOOP.idFromName('bare'));
  const bare = await openSockets(
    () => stub.fetch('https://bare.example/', { headers: { Upgrade: 'websocket' } }),
    (data) => (JSON.parse(data) as { n: number }).n,
  );
  const loop = await measure((n) => stub.broadcast(JSON.stringify({ n, padding: 'x'.repeat(600) })), bare.receipts);

  for (const ws of [...tracked.sockets, ...bare.sockets]) ws.close(1000);
  const result = {
    sockets: SOCKETS,
    updates: UPDATES,
    flowflare,
    bare_send_loop: loop,
    ratio: {
      median_latency: flowflare.median_ms / loop.median_ms,
      p99_latency: flowflare.p99_ms / loop.p99_ms,
      throughput: flowflare.messages_per_second / loop.messages_per_second,
    },
  };
  console.log(`BENCH_RESULT realtime ${JSON.stringify(result)}`);
  expect(flowflare.messages_per_second).toBeGreaterThan(0);
}, 600_000);
