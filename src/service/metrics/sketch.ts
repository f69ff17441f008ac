import type { Percentiles } from '../../shared/metrics.js';

/**
 * A mergeable sketch of a distribution of milliseconds (DDSketch's logarithmic buckets): a value
 * x ≥ 1 falls in bucket key 1 + ceil(ln(x) / ln(γ)) with γ = (1 + α) / (1 − α); 0 ms in key 0.
 * Every bucket's representative is within α of every value in it, so each percentile is within α
 * (relative) of the exact one. Merging adds counts key by key, so hour sketches merge into exactly
 * the day's. The rollup triggers (migrations/0007_metrics.sql) compute the same keys in SQL.
 */

/** The sketch's relative error on percentiles. */
export const RELATIVE_ERROR = 0.02;

const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LN_GAMMA = Math.log(GAMMA);

/** Counts per bucket key. */
export type Sketch = Map<number, number>;

/** The bucket key of a value, as the rollup triggers compute it. */
export function sketchKey(ms: number): number {
  return ms < 1 ? 0 : 1 + Math.ceil(Math.log(ms) / LN_GAMMA);
}

/** The value a bucket key stands for: the point within α of both of its ends. */
export function keyValue(key: number): number {
  return key === 0 ? 0 : (2 * GAMMA ** (key - 1)) / (GAMMA + 1);
}

/** Adds one value to a sketch. */
export function addValue(sketch: Sketch, ms: number): void {
  const key = sketchKey(ms);
  sketch.set(key, (sketch.get(key) ?? 0) + 1);
}

function addCounts(sketch: Sketch, counts: Record<string, number>): void {
  for (const [key, count] of Object.entries(counts)) sketch.set(Number(key), (sketch.get(Number(key)) ?? 0) + count);
}

/** Adds a stored sketch (sparse JSON `{"key": count}`) to a sketch. */
export function mergeStored(sketch: Sketch, stored: string): void {
  if (stored === '{}' || stored === '') return;
  addCounts(sketch, JSON.parse(stored) as Record<string, number>);
}

/** Adds stored sketches, a JSON array of them (`[{"key": count}, …]`), to a sketch. */
export function mergeStoredList(sketch: Sketch, storedList: string): void {
  for (const counts of JSON.parse(storedList) as Record<string, number>[]) addCounts(sketch, counts);
}

/** Adds one sketch to another. */
export function mergeSketch(into: Sketch, from: Sketch): void {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

/** The value at quantile `q` (0..1): the bucket holding the value of rank floor(q·(n − 1)). */
export function quantile(sketch: Sketch, q: number): number | null {
  let total = 0;
  for (const count of sketch.values()) total += count;
  if (total === 0) return null;
  const rank = Math.floor(q * (total - 1));
  let seen = 0;
  for (const key of [...sketch.keys()].sort((a, b) => a - b)) {
    seen += sketch.get(key) ?? 0;
    if (seen > rank) return keyValue(key);
  }
  return null;
}

/** p50, p95 and p99 of a sketch, or `null` when it is empty. */
export function percentilesOf(sketch: Sketch): Percentiles | null {
  const p50 = quantile(sketch, 0.5);
  if (p50 === null) return null;
  return { p50, p95: quantile(sketch, 0.95) ?? p50, p99: quantile(sketch, 0.99) ?? p50 };
}
