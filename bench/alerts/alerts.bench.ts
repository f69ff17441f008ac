import { applyD1Migrations, env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { expect, inject, it } from 'vitest';
import { followerOf, until } from '../followers.js';
import { insertAlert } from '../../src/store/alerts.js';
import { writeBatch } from '../../src/store/batch.js';

/** Runs per round; rounds alternate without rules and with 20 rules. */
const RUNS = 40;
const ROUNDS = 3;
/** Notifications the consumer delivers in the throughput part. */
const NOTIFICATIONS = 300;

interface Bindings {
  DB: D1Database;
  TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1];
  ALERTS_BENCH: Workflow;
  ALERTS: Queue;
  WORKFLOW_TRACKER: DurableObjectNamespace;
}
const b = env as unknown as Bindings;
const receiver = inject('benchReceiver');
const follower = (id: string) => followerOf(b.WORKFLOW_TRACKER, id);

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`https://bench.example${path}`, { ...init, headers: { Authorization: 'Bearer bench-key', 'Content-Type': 'application/json' } });
}

/** 20 rules that all look at the bench's runs: failures, retries, a failure rate, a p95. */
async function createRules(): Promise<string[]> {
  const hook = [{ type: 'webhook', url: `${receiver}/hook` }];
  const inputs = Array.from({ length: 20 }, (_, i) => {
    const name = `bench rule ${i}`;
    if (i < 10) return { name, kind: 'run_failed', scope: { workflow: 'alerts_bench' }, destinations: hook };
    if (i < 15) return { name, kind: 'step_retries', retries: 0, destinations: hook };
    if (i < 18) return { name, kind: 'failure_rate', threshold: 0.9, window: '1 hour', destinations: hook };
    return { name, kind: 'p95_duration', threshold: 3_600_000, window: '1 hour', destinations: hook };
  });
  const ids: string[] = [];
  for (const input of inputs) {
    const response = await api('/api/alerts/rules', { method: 'POST', body: JSON.stringify(input) });
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as { id: string }).id);
  }
  return ids;
}

async function deleteRules(ids: string[]): Promise<void> {
  for (const id of ids) expect((await api(`/api/alerts/rules/${id}`, { method: 'DELETE' })).status).toBe(204);
}

/** One round: RUNS runs (half of them fail) finish unfollowed, then are followed at once; the time until every one is recorded. */
async function round(): Promise<number> {
  const ids = Array.from({ length: RUNS }, () => crypto.randomUUID());
  await b.ALERTS_BENCH.createBatch(ids.map((id, i) => ({ id, params: { fail: i % 2 === 0 } })));
  for (const id of ids) {
    const instance = await b.ALERTS_BENCH.get(id);
    await until(async () => ['complete', 'errored'].includes((await instance.status()).status), `run ${id}`);
  }
  const list = JSON.stringify(ids);
  const started = performance.now();
  await Promise.all(ids.map((id) => follower(id).follow({ runId: id, workflowName: 'alerts_bench', binding: 'ALERTS_BENCH' })));
  await until(
    async () =>
      (await b.DB.prepare("SELECT count(*) AS n FROM workflow_run_cursors WHERE run_id IN (SELECT value FROM json_each(?)) AND mark GLOB 'workflow_[ce]*@*'").bind(list).first<number>('n')) === RUNS,
    'every run recorded',
  );
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, c) => a - c)[Math.floor(values.length / 2)]!;

const firings = () => b.DB.prepare('SELECT count(*) AS n FROM alert_firings').first<number>('n').then((n) => n ?? 0);

/** Waits until the alerts consumer has evaluated what a round handed it: the firings stop growing past `before`. */
async function firingsSettled(before: number): Promise<number> {
  let last = -1;
  const deadline = Date.now() + 120_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await firings();
    if (now > before && now === last) return now - before;
    if (Date.now() > deadline) throw new Error(`the rules fired ${now - before} times and the consumer had not settled within 2 minutes`);
    last = now;
  }
}

it(`alerts: tracking ${RUNS} runs with 20 active rules against none, and notifications delivered per second`, async () => {
  await applyD1Migrations(b.DB, b.TEST_MIGRATIONS);
  await round(); // warm up: the first round pays for compiling and the first D1 writes
  const none: number[] = [];
  const rules: number[] = [];
  const firedPerRound: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    none.push(await round());
    const ids = await createRules();
    const before = await firings();
    rules.push(await round());
    // the rules stay until the consumer has evaluated the round, so that every round with rules fires
    firedPerRound.push(await firingsSettled(before));
    await deleteRules(ids);
  }

  // throughput: alerts recorded as fired, their delivery messages sent at once
  const rule = await api('/api/alerts/rules', {
    method: 'POST',
    body: JSON.stringify({ name: 'throughput', kind: 'run_failed', scope: { workflow: 'none_such' }, destinations: [{ type: 'webhook', url: `${receiver}/hook` }] }),
  });
  const ruleId = ((await rule.json()) as { id: string }).id;
  const before = Number(await (await fetch(`${receiver}/count`)).text());
  const at = new Date().toISOString();
  const alertIds = Array.from({ length: NOTIFICATIONS }, (_, i) => `alt_bench_${i}`);
  await writeBatch(
    b.DB,
    alertIds.map((id) => insertAlert({ id, rule: { id: ruleId, name: 'throughput', kind: 'run_failed' }, run_id: null, workflow: null, summary: 'bench', details: {}, fired_at: at })),
  );
  const started = performance.now();
  for (let i = 0; i < alertIds.length; i += 100) await b.ALERTS.sendBatch(alertIds.slice(i, i + 100).map((alert_id) => ({ body: { kind: 'deliver', alert_id }, contentType: 'json' as const })));
  await until(
    async () => (await b.DB.prepare("SELECT count(*) AS n FROM alerts WHERE rule_id = ? AND state = 'delivered'").bind(ruleId).first<number>('n')) === NOTIFICATIONS,
    'every notification delivered',
  );
  const deliverMs = performance.now() - started;
  const received = Number(await (await fetch(`${receiver}/count`)).text()) - before;

  const result = {
    runs_per_round: RUNS,
    rounds: ROUNDS,
    tracking_ms_no_rules: { median: Math.round(median(none)), rounds: none.map(Math.round) },
    tracking_ms_20_rules: { median: Math.round(median(rules)), rounds: rules.map(Math.round) },
    ratio_20_rules_to_none: Number((median(rules) / median(none)).toFixed(2)),
    firings_per_round_with_rules: firedPerRound,
    notifications: NOTIFICATIONS,
    received_by_receiver: received,
    delivery_ms: Math.round(deliverMs),
    notifications_per_second: Math.round(NOTIFICATIONS / (deliverMs / 1000)),
  };
  console.log(`BENCH_RESULT alerts ${JSON.stringify(result)}`);
  expect(received).toBe(NOTIFICATIONS);
}, 900_000);
