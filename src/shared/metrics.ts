// The metrics API's types, as the contract of GET /api/metrics gives them (the service's own
// implementation replaces this file when it lands).

/** Width of one point of a metrics series. */
export type MetricsBucket = 'minute' | 'hour' | 'day';

/** Percentiles of a duration, in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Counts of runs and their durations over a time span. */
export interface MetricsCounts {
  started: number;
  completed: number;
  errored: number;
  terminated: number;
  /** completed / (completed + errored + terminated); null when none finished. */
  success_rate: number | null;
  /** Run duration (created to finished) of the runs that finished in the span. */
  duration_ms: Percentiles | null;
  /** Created to first started. */
  queued_ms: Percentiles | null;
}

/** One bucket of a series. */
export interface MetricsPoint extends MetricsCounts {
  /** Start of the bucket, ISO. */
  time: string;
}

/** One step's figures over the range. */
export interface StepMetrics {
  workflow: string;
  step: string;
  count: number;
  errored: number;
  attempts: number;
  retries: number;
  duration_ms: Percentiles | null;
}

/** An error message and how often it happened. */
export interface TopError {
  message: string;
  workflow: string;
  step: string | null;
  count: number;
  first_seen: string;
  last_seen: string;
  /** Up to 5, newest first. */
  example_run_ids: string[];
}

/** What GET /api/metrics answers. */
export interface MetricsReport {
  from: string;
  to: string;
  bucket: MetricsBucket;
  totals: MetricsCounts;
  series: MetricsPoint[];
  steps: StepMetrics[];
  errors: TopError[];
  relative_error: number;
}

/** Query of GET /api/metrics. */
export interface MetricsQuery {
  from?: string | number | Date;
  to?: string | number | Date;
  bucket?: MetricsBucket;
  workflow?: string;
  step?: string;
  ref_type?: string;
  ref_id?: string;
  metadata_key?: string;
  metadata_value?: string;
}
