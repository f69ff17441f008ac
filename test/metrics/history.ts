import { env } from 'cloudflare:workers';
import { runTransition, stepTransition } from '../../src/ingest/transitions.js';
import { writeBatch } from '../../src/store/batch.js';
import type { Statement } from '../../src/store/statement.js';

/** One generated run: its outcome, times and steps, as the history writes them. */
export interface PlannedRun {
  id: string;
  ref_type: string | null;
  ref_id: string | null;
  tier: string;
  created: number;
  started: number;
  finished: number;
  status: 'Completed' | 'Errored' | 'Terminated';
  error: string | null;
  steps: { name: string; attempts: number; started: number; finished: number; failed: boolean; error: string | null }[];
}

/** A small seeded generator (mulberry32), so a history is the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MESSAGES = ['upstream timeout', 'quota exceeded', '  card\ndeclined\tby issuer  ', `${'very long message '.repeat(20)}end`];

/**
 * Plans `count` runs of workflow `name` created over `[from, from + spanMs)`: known outcomes
 * (about 70% completed, 20% errored, 10% terminated), queue times, durations (log-normal, from a
 * few milliseconds to minutes) and steps with retries.
 */
export function planHistory(name: string, count: number, from: number, spanMs: number, seed = 7): PlannedRun[] {
  const rnd = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const runs: PlannedRun[] = [];
  for (let i = 0; i < count; i++) {
    const created = from + Math.floor(rnd() * spanMs);
    const started = created + Math.floor(rnd() * 3000);
    const roll = rnd();
    const status = roll < 0.7 ? 'Completed' : roll < 0.9 ? 'Errored' : 'Terminated';
    const refType = pick(['campaign', 'order', null] as const);
    const steps: PlannedRun['steps'] = [];
    let t = started;
    const stepCount = 1 + Math.floor(rnd() * 3);
    for (let s = 0; s < stepCount; s++) {
      const duration = Math.round(Math.exp(4 + rnd() * 7)); // 55 ms .. 16 minutes
      const attempts = 1 + (rnd() < 0.3 ? Math.floor(rnd() * 3) : 0);
      const failed = status === 'Errored' && s === stepCount - 1;
      steps.push({ name: ['fetch', 'send', 'store'][s]!, attempts, started: t, finished: t + duration, failed, error: failed ? pick(MESSAGES) : null });
      t += duration;
    }
    const finished = t + Math.floor(rnd() * 500);
    runs.push({
      id: `${name}-${i}`,
      ref_type: refType,
      ref_id: refType === null ? null : `${refType}-${i % 7}`,
      tier: pick(['gold', 'free']),
      created,
      started,
      finished,
      status,
      error: status === 'Errored' ? pick(MESSAGES) : null,
      steps,
    });
  }
  return runs;
}

const iso = (t: number) => new Date(t).toISOString();
const stored = (message: string | null) => (message === null ? null : JSON.stringify({ name: 'Error', message }));

/** The statements that end a run: its last step and its outcome (what a replay writes again). */
export function finishStatements(run: PlannedRun, status: PlannedRun['status'] = run.status): Statement[] {
  return [
    ...run.steps.map((s, i) =>
      stepTransition({
        key: { run_id: run.id, step_name: s.name, step_count: i + 1 },
        fields: {
          step_type: 'do',
          status: s.failed ? 'Failed' : 'Completed',
          attempts: s.attempts,
          retry_count: s.attempts - 1,
          completed_at: iso(s.finished),
          duration_ms: s.finished - s.started,
          error: stored(s.error),
        },
        now: iso(s.finished),
      }),
    ).flat(),
    ...runTransition({
      runId: run.id,
      workflow: { existing: true },
      fields: { status, completed_at: iso(run.finished), error: stored(run.error) },
      now: iso(run.finished),
    }),
  ];
}

/** Writes a planned history through the ingest path (the statements a follower writes), a batch per run. */
export async function writeHistory(name: string, runs: readonly PlannedRun[]): Promise<void> {
  for (const run of runs) {
    const statements = [
      ...runTransition({
        runId: run.id,
        workflow: { identity: { name, ref_type: run.ref_type, ref_id: run.ref_id } },
        fields: { status: 'Queued', ref_type: run.ref_type, ref_id: run.ref_id, metadata: JSON.stringify({ tier: run.tier }) },
        now: iso(run.created),
      }),
      ...runTransition({ runId: run.id, workflow: { existing: true }, fields: { status: 'Running', started_at: iso(run.started) }, now: iso(run.started) }),
      ...run.steps.flatMap((s, i) =>
        stepTransition({
          key: { run_id: run.id, step_name: s.name, step_count: i + 1 },
          fields: { step_type: 'do', status: 'Running', attempts: 1, started_at: iso(s.started) },
          now: iso(s.started),
        }),
      ),
      ...finishStatements(run),
    ];
    await writeBatch(env.DB, statements);
  }
}

/** A recorded run, read back from D1 (the truth the metrics are checked against). */
export interface RawRun {
  id: string;
  status: string;
  ref_type: string | null;
  ref_id: string | null;
  metadata: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string;
  error: string | null;
}

/** A recorded durable step, read back from D1. */
export interface RawStep {
  run_id: string;
  step_name: string;
  status: string;
  attempts: number;
  retry_count: number;
  duration_ms: number | null;
  completed_at: string | null;
  error: string | null;
}

/** Reads the recorded runs and finished steps of a workflow. */
export async function recorded(name: string): Promise<{ runs: RawRun[]; steps: RawStep[] }> {
  const runs = (await env.DB.prepare('SELECT * FROM workflow_runs WHERE workflow_name = ?').bind(name).all<RawRun>()).results;
  const steps = (
    await env.DB.prepare(
      `SELECT s.run_id, s.step_name, s.status, s.attempts, s.retry_count, s.duration_ms, s.completed_at, s.error
       FROM workflow_steps s JOIN workflow_runs r ON r.id = s.run_id
       WHERE r.workflow_name = ? AND s.step_type = 'do' AND s.status IN ('Completed', 'Failed')`,
    )
      .bind(name)
      .all<RawStep>()
  ).results;
  return { runs, steps };
}

/** The exact value at quantile q: the value of rank floor(q·(n − 1)) of the sorted values. */
export function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}
