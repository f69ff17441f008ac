import { quantile, sketchKey, type Sketch } from '../service/metrics/sketch.js';
import type { AlertRule } from '../shared/alerts.js';
import { countRun, readCounters } from '../store/alerts.js';
import type { Statement } from '../store/statement.js';

/** Buckets a window is counted in: the window moves on by one bucket at a time. */
const BUCKETS_PER_WINDOW = 12;

/** What a windowed rule reads: runs that ended in its window, how many failed, their p95 duration. */
export interface WindowStats {
  runs: number;
  failed: number;
  /** 95th percentile of their durations (ms), within 2% (the metrics' sketch), or null without runs. */
  p95_ms: number | null;
}

function bucketMs(rule: AlertRule): number {
  return Math.max(1000, Math.floor((rule.window_ms ?? 60_000) / BUCKETS_PER_WINDOW));
}

/** Counts one ended run in a windowed rule's counters (the bucket of `at`). */
export function countEndedRun(rule: AlertRule, at: number, durationMs: number, failed: boolean): Statement {
  const size = bucketMs(rule);
  return countRun(rule.id, Math.floor(at / size) * size, sketchKey(durationMs), failed);
}

/**
 * A windowed rule's figures over the window ending at `now`, from its own counters: exact to the
 * rule's scope (metadata included, which the metrics rollups do not hold) and to windows shorter
 * than their minutes. Durations are counted in the metrics' sketch buckets, so the p95 has the
 * same 2% error as `GET /api/metrics`.
 */
export async function readWindowStats(db: D1Database, rule: AlertRule, now: number): Promise<WindowStats> {
  const size = bucketMs(rule);
  const since = Math.floor((now - (rule.window_ms ?? 0)) / size) * size + size;
  const bins = await readCounters(db, rule.id, since);
  const runs = bins.reduce((n, b) => n + b.runs, 0);
  const failed = bins.reduce((n, b) => n + b.failed, 0);
  const sketch: Sketch = new Map(bins.map((b) => [b.bin, b.runs]));
  const p95 = quantile(sketch, 0.95);
  return { runs, failed, p95_ms: p95 === null ? null : Math.round(p95) };
}
