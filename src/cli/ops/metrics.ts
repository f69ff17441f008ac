import type { Command } from 'commander';
import * as z from 'zod/mini';
import type { MetricsPoint, MetricsQuery, MetricsReport, StepMetrics } from '../../client/index.js';
import { formatDuration } from '../../shared/timeline.js';
import { errorWhere, rateText, STEP_COLUMNS, stepCells, totalsFigures } from '../../ui/insights/figures.js';
import { DEFAULT_RANGE, rangeWindow, TIME_RANGES, type TimeRange } from '../../ui/insights/ranges.js';
import { opsContext, withCommonFlags, type CommonFlags, type OpsSession } from './context.js';
import { describeFilters, listFilters, parseFlags, withFilterFlags, type FilterFlags } from './filters.js';
import { renderTable, shortTime, truncate, wrapJoin, type Column } from './table.js';

/** Flags of `flowflare metrics`. */
export interface MetricsFlags extends CommonFlags, Omit<FilterFlags, 'status' | 'since' | 'until'> {
  range?: string;
  from?: string;
  to?: string;
  bucket?: string;
  step?: string;
}

const RANGES = Object.keys(TIME_RANGES) as TimeRange[];

const metricsFlagsSchema = z.object({
  range: z.optional(z.enum(RANGES, `one of ${RANGES.join(', ')}`)),
  bucket: z.optional(z.enum(['minute', 'hour', 'day'], 'minute, hour or day')),
});

/** Eight levels of a bar, lowest first. */
const BARS = '▁▂▃▄▅▆▇█';

/** One character per bucket, its height the bucket's share of the largest: `▁▁▃█▂`. */
export function sparkline(values: readonly number[]): string {
  const top = Math.max(0, ...values);
  return values.map((v) => (v <= 0 || top === 0 ? ' ' : BARS[Math.min(BARS.length - 1, Math.ceil((v / top) * BARS.length) - 1)])).join('');
}

const finished = (p: MetricsPoint) => p.completed + p.errored + p.terminated;

const STEP_TABLE: Column<StepMetrics>[] = STEP_COLUMNS.map((header, i) => ({ header: header.toUpperCase(), value: (s: StepMetrics) => stepCells(s)[i]!, min: i < 2 ? 8 : 4 }));

/** The query the flags give: a named range ending now (default 24h), or `--from`/`--to`/`--bucket`. */
export function metricsQuery(flags: MetricsFlags, now = Date.now()): MetricsQuery {
  const { range, bucket } = parseFlags(metricsFlagsSchema, { range: flags.range, bucket: flags.bucket });
  // the command takes no --status, --since or --until: the range is --range or --from/--to
  const filters = listFilters(flags);
  const explicit = flags.from !== undefined || flags.to !== undefined;
  const window = explicit ? { from: flags.from, to: flags.to, bucket: bucket ?? 'hour' } : { ...rangeWindow(range ?? DEFAULT_RANGE, now), ...(bucket ? { bucket } : {}) };
  return { ...filters, ...(flags.step ? { step: flags.step } : {}), ...window };
}

/** The report as lines of text, no wider than `width`. */
export function renderMetrics(report: MetricsReport, query: MetricsQuery, width: number, paint: (text: string, code: string) => string): string[] {
  const { from: _f, to: _t, bucket: _b, ...filters } = query;
  const lines = [paint(truncate(`Runs ${shortTime(report.from)} → ${shortTime(report.to)}, per ${report.bucket} (${describeFilters(filters)})`, width), '1')];
  const queued = report.totals.queued_ms;
  const figures = totalsFigures(report.totals).map((f) => `${f.label} ${f.value}`);
  if (queued) figures.push(`Queued p50 ${formatDuration(queued.p50)}`, `p95 ${formatDuration(queued.p95)}`);
  lines.push(...wrapJoin(figures, '  ·  ', width));
  const spark = sparkline(report.series.map(finished));
  const failure = report.series.map((p) => (finished(p) === 0 ? 0 : (p.errored + p.terminated) / finished(p)));
  lines.push('', `Finished  ${truncate(spark, Math.max(8, width - 10))}`, `Failed    ${truncate(sparkline(failure), Math.max(8, width - 10))}`);
  lines.push('', paint(`Steps, slowest p95 first (${report.steps.length})`, '1'));
  if (report.steps.length === 0) lines.push('No step finished in the range.');
  else lines.push(...renderTable(STEP_TABLE, report.steps, width, paint));
  lines.push('', paint(`Top errors (${report.errors.length})`, '1'));
  if (report.errors.length === 0) lines.push('No errors in the range.');
  for (const e of report.errors) {
    lines.push(truncate(`${errorWhere(e)}: ${e.message}`, width), truncate(`  last ${shortTime(e.last_seen)} · runs ${e.example_run_ids.join(', ')}`, width));
  }
  lines.push('', paint(`Percentiles within ${rateText(report.relative_error)} of the exact values.`, '2'));
  return lines;
}

/** `flowflare metrics`: counts, success rate, durations, slowest steps and top errors over a range. */
export function metricsCommand(program: Command, session: OpsSession): void {
  const command = program.command('metrics').description('run and step metrics over a time range: counts, success rate, durations, slowest steps, top errors');
  withCommonFlags(withFilterFlags(command, ['status', 'since', 'until']))
    .option('--step <name>', "only this step's runs (needs --workflow)")
    .option('--range <range>', `a range ending now: ${RANGES.join(', ')} (default ${DEFAULT_RANGE})`)
    .option('--from <time>', 'start of the range (ISO-8601 or epoch ms), instead of --range')
    .option('--to <time>', 'end of the range (default now)')
    .option('--bucket <bucket>', 'minute, hour or day (default: the range\'s)')
    .action(async (flags: MetricsFlags) => {
      const ctx = opsContext(session, flags);
      const query = metricsQuery(flags);
      const report = await ctx.client.getMetrics(query);
      if (ctx.json) return void ctx.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      const width = Number.isFinite(ctx.width) ? ctx.width : 100;
      ctx.io.stdout.write(`${renderMetrics(report, query, width, (t, c) => ctx.reporter.paint(t, c)).join('\n')}\n`);
    });
}
