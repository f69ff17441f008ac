import type { AlertRule } from '../shared/alerts.js';
import { countRun, readCounters } from '../store/alerts.js';
import type { Statement } from '../store/statement.js';

/** Buckets a window is counted in: the window moves on by one bucket at a time. */
const BUCKETS_PER_WINDOW = 12;

/** What a windowed rule reads: runs that ended in its window, how many failed, their p95 duration. */
export interface WindowStats {
  runs: number;
  failed: number;
  /** 95th percentile of their durations (ms), within 19% (a log-scale histogram), or null without runs. */
  p95_ms: number | null;
}

function bucketMs(rule: AlertRule): number {
  return Math.max(1000, Math.floor((rule.window_ms ?? 60_000) / BUCKETS_PER_WINDOW));
}

/** The histogram bin of a duration: four bins per doubling. */
export function durationBin(ms: number): number {
  return Math.floor(4 * Math.log2(1 + Math.max(0, ms)));
}

/** The largest duration a bin holds. */
export function binUpperMs(bin: number): number {
  return Math.round(2 ** ((bin + 1) / 4) - 1);
}

/** Counts one ended run in a windowed rule's counters (the bucket of `at`). */
export function countEndedRun(rule: AlertRule, at: number, durationMs: number, failed: boolean): Statement {
  const size = bucketMs(rule);
  return countRun(rule.id, Math.floor(at / size) * size, durationBin(durationMs), failed);
}

/**
 * A windowed rule's figures over the window ending at `now`, from its own counters. The one
 * reading of them: a rollup of runs kept elsewhere (per workflow and minute) can answer instead.
 */
export async function readWindowStats(db: D1Database, rule: AlertRule, now: number): Promise<WindowStats> {
  const size = bucketMs(rule);
  const since = Math.floor((now - (rule.window_ms ?? 0)) / size) * size + size;
  const bins = await readCounters(db, rule.id, since);
  const runs = bins.reduce((n, b) => n + b.runs, 0);
  const failed = bins.reduce((n, b) => n + b.failed, 0);
  if (runs === 0) return { runs, failed, p95_ms: null };
  const rank = Math.ceil(0.95 * runs);
  let seen = 0;
  for (const b of bins) {
    seen += b.runs;
    if (seen >= rank) return { runs, failed, p95_ms: binUpperMs(b.bin) };
  }
  return { runs, failed, p95_ms: binUpperMs(bins.at(-1)!.bin) };
}
