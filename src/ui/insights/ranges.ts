import { BUCKET_MS, type MetricsBucket } from '../../shared/metrics.js';

/** The time ranges Insights offers, each with the bucket that gives it a readable number of points. */
export const TIME_RANGES = {
  '1h': { label: '1 h', ms: 3_600_000, bucket: 'minute' },
  '24h': { label: '24 h', ms: 86_400_000, bucket: 'hour' },
  '7d': { label: '7 d', ms: 7 * 86_400_000, bucket: 'hour' },
  '30d': { label: '30 d', ms: 30 * 86_400_000, bucket: 'day' },
} as const satisfies Record<string, { label: string; ms: number; bucket: MetricsBucket }>;

/** A key of {@link TIME_RANGES}: `1h`, `24h`, `7d` or `30d`. */
export type TimeRange = keyof typeof TIME_RANGES;

/** The range Insights opens with. */
export const DEFAULT_RANGE: TimeRange = '24h';

/** True when `value` names one of {@link TIME_RANGES}. */
export function isTimeRange(value: unknown): value is TimeRange {
  return typeof value === 'string' && Object.hasOwn(TIME_RANGES, value);
}

/** Number of points a range's series has. */
export function bucketCount(range: TimeRange): number {
  const { ms, bucket } = TIME_RANGES[range];
  return ms / BUCKET_MS[bucket];
}

/**
 * The metrics query of a range ending now: `to` is the end of the current bucket, so runs that
 * finished a moment ago are in the last point, and `from` is one range before it.
 */
export function rangeWindow(range: TimeRange, now = Date.now()): { from: string; to: string; bucket: MetricsBucket } {
  const { ms, bucket } = TIME_RANGES[range];
  const size = BUCKET_MS[bucket];
  const to = Math.floor(now / size) * size + size;
  return { from: new Date(to - ms).toISOString(), to: new Date(to).toISOString(), bucket };
}
