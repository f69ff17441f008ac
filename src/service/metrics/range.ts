import { BUCKET_MS, MAX_METRICS_BUCKETS, type MetricsBucket } from '../../shared/metrics.js';
import { ValidationError } from '../../shared/errors.js';
import type { Grain, GrainRange } from '../../store/metrics.js';

/** Default range of a report when it gives no `from`: the day before `to`. */
export const DEFAULT_RANGE_MS = 86_400_000;

/** A report's range: bucket starts in epoch ms, `to` exclusive. */
export interface MetricsRange {
  from: number;
  to: number;
  bucket: MetricsBucket;
}

const floorTo = (t: number, width: number) => Math.floor(t / width) * width;
const ceilTo = (t: number, width: number) => Math.ceil(t / width) * width;
const iso = (t: number) => new Date(t).toISOString();

/**
 * The range a query asks for, rounded down to its bucket, checked: `from` before `to`, at most
 * {@link MAX_METRICS_BUCKETS} buckets, and minute buckets only as far back as minute rollups are
 * kept.
 * @param minutesKeptMs how long minute rollups are kept (`null`: for ever)
 * @throws ValidationError naming `from` or `bucket`
 */
export function metricsRange(
  q: { from?: number; to?: number; bucket?: MetricsBucket },
  now: number,
  minutesKeptMs: number | null,
  where: string,
): MetricsRange {
  const bucket = q.bucket ?? 'hour';
  const width = BUCKET_MS[bucket];
  const toAsked = q.to ?? now;
  const fromAsked = q.from ?? toAsked - DEFAULT_RANGE_MS;
  if (fromAsked >= toAsked) throw new ValidationError(`${where}: from: must be before to (${iso(fromAsked)} is not before ${iso(toAsked)})`);
  const from = floorTo(fromAsked, width);
  const to = floorTo(toAsked, width);
  const buckets = (to - from) / width;
  if (buckets > MAX_METRICS_BUCKETS) {
    throw new ValidationError(
      `${where}: bucket: at most ${MAX_METRICS_BUCKETS} ${bucket} buckets per report, this range has ${buckets}; ask for a wider bucket or a shorter range`,
    );
  }
  if (bucket === 'minute' && minutesKeptMs !== null && from < now - minutesKeptMs) {
    throw new ValidationError(
      `${where}: bucket: minute buckets are kept for ${Math.round(minutesKeptMs / 3_600_000)} hours and from (${iso(from)}) is older; ask for bucket=hour`,
    );
  }
  return { from, to, bucket };
}

/** The bucket starts of a range, ascending. */
export function bucketStarts(range: MetricsRange): number[] {
  const width = BUCKET_MS[range.bucket];
  const out: number[] = [];
  for (let t = range.from; t < range.to; t += width) out.push(t);
  return out;
}

/**
 * Covers a range with the fewest rollup rows: whole days as day rows, the hours before the first
 * and after the last whole day as hour rows (minute ranges stay minutes). Each part is read and
 * merged; merged sketches are exact, so the result is the same as merging the finest rows.
 * @param finest the finest grain the table has (errors have no minute rows)
 */
export function tiles(range: MetricsRange, finest: Grain = 'minute'): GrainRange[] {
  const part = (grain: Grain, from: number, to: number): GrainRange[] => (from < to ? [{ grain, from: iso(from), to: iso(to) }] : []);
  if (range.bucket === 'minute' && finest === 'minute') return part('minute', range.from, range.to);
  const from = floorTo(range.from, BUCKET_MS.hour);
  const to = ceilTo(range.to, BUCKET_MS.hour);
  const dayFrom = ceilTo(from, BUCKET_MS.day);
  const dayTo = floorTo(to, BUCKET_MS.day);
  if (dayFrom >= dayTo) return part('hour', from, to);
  return [...part('hour', from, dayFrom), ...part('day', dayFrom, dayTo), ...part('hour', dayTo, to)];
}
