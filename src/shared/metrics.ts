/**
 * Types of `GET /api/metrics`: run and step metrics per time bucket, from rollups the tracking
 * writes keep as records are written. The service builds a {@link MetricsReport}; the client's
 * `getMetrics` returns it. No runtime imports: the client, the dashboard and React load this file.
 */

/** The width of one point of a series. */
export type MetricsBucket = 'minute' | 'hour' | 'day';

/** The bucket widths, in the order of their width. */
export const METRICS_BUCKETS: readonly MetricsBucket[] = ['minute', 'hour', 'day'];

/** Milliseconds of each bucket width. */
export const BUCKET_MS: Readonly<Record<MetricsBucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Most buckets one report covers (`(to - from) / bucket`). */
export const MAX_METRICS_BUCKETS = 1500;

/** Percentiles of a distribution, in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Run counts and timings over a range or one bucket. */
export interface MetricsCounts {
  /** Runs started (first reported running) in the bucket. */
  started: number;
  /** Runs that finished in the bucket, by outcome. */
  completed: number;
  errored: number;
  terminated: number;
  /** `completed / (completed + errored + terminated)`; `null` when no run finished. */
  success_rate: number | null;
  /** Run duration (created to finished) of the runs that finished in the bucket. */
  duration_ms: Percentiles | null;
  /** Time from created to first started, of the runs started in the bucket. */
  queued_ms: Percentiles | null;
}

/** One bucket of a series. */
export interface MetricsPoint extends MetricsCounts {
  /** The bucket's start, ISO-8601. */
  time: string;
}

/** One step of one workflow over the range. */
export interface StepMetrics {
  workflow: string;
  step: string;
  /** Step executions that finished (completed or errored) in the range. */
  count: number;
  /** Of those, the ones that failed for good. */
  errored: number;
  /** Attempts made by those executions, the first included. */
  attempts: number;
  /** Attempts after the first. */
  retries: number;
  duration_ms: Percentiles | null;
}

/** One error message, normalised, with how often it happened. */
export interface TopError {
  message: string;
  workflow: string;
  /** The step that failed, or `null` for a run's own error. */
  step: string | null;
  count: number;
  first_seen: string;
  last_seen: string;
  /** Up to 5 runs that had it, newest first. */
  example_run_ids: string[];
}

/** What `GET /api/metrics` returns. */
export interface MetricsReport {
  /** The range, rounded down to the bucket, ISO-8601. */
  from: string;
  to: string;
  bucket: MetricsBucket;
  /** Over the whole range (merged sketches, not averaged). */
  totals: MetricsCounts;
  /** One per bucket in `[from, to)`, ascending, empty buckets included (zeros, nulls). */
  series: MetricsPoint[];
  /** Per step, slowest p95 first. */
  steps: StepMetrics[];
  /** Most frequent first, at most 10. */
  errors: TopError[];
  /** The sketch's relative error on percentiles (0.02: within 2% of the exact value). */
  relative_error: number;
}

/** The query of `GET /api/metrics` as the client passes it; every field is optional. */
export interface MetricsQuery {
  /** Start of the range: ISO-8601, a `Date` or epoch milliseconds. @default to - 24 hours */
  from?: string | number | Date;
  /** End of the range (exclusive). @default now */
  to?: string | number | Date;
  /** @default 'hour' */
  bucket?: MetricsBucket;
  workflow?: string;
  /** One step's runs (needs `workflow`). */
  step?: string;
  ref_type?: string;
  /** Needs `ref_type`. */
  ref_id?: string;
  /** Filter on one top-level metadata key; needs `metadata_value`. */
  metadata_key?: string;
  metadata_value?: string;
}
