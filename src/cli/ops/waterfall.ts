import type { AttemptRecord, RunDetail, StepDetail } from '../../client/index.js';
import { between, formatDuration, runSpan, stepSegments, timeOf } from '../../shared/timeline.js';
import { shortTime, statusColor, truncate } from './table.js';

/** Characters and colours of the bars, by segment kind: told apart without colour too. */
const BARS: Record<string, { char: string; color: string }> = {
  completed: { char: '█', color: '32' },
  failed: { char: '▓', color: '31' },
  running: { char: '▒', color: '36' },
  retrying: { char: '▒', color: '36' },
  'retry-wait': { char: '·', color: '2' },
  sleeping: { char: '░', color: '33' },
  waiting: { char: '░', color: '33' },
};
const OTHER = { char: '▒', color: '36' };

/** The legend printed under a waterfall. */
export const WATERFALL_LEGEND = '█ completed  ▓ failed attempt  ▒ running  · waiting to retry  ░ sleeping or waiting for an event';

/** Widest step label (`3. charge-card`) before it is cut. */
const MAX_LABEL = 28;
/** Status and duration after each bar: `Completed   3.8 s`. */
const RIGHT = 10 + 1 + 8;

const time = (iso: string | null) => (iso ? shortTime(iso) : '—');

/**
 * The run's steps as text: one line per step with its attempts as bars on the run's time axis,
 * scaled to `width` columns, then the facts a bar cannot show (errors, retries, deadlines).
 * @param paint colours a piece of text; identity when colours are off
 */
export function renderWaterfall(run: RunDetail, width: number, paint: (text: string, code: string) => string, now = Date.now()): string[] {
  if (run.steps.length === 0) return ['No steps recorded yet.'];
  const span = runSpan(run, now);
  const labels = run.steps.map((s) => `${s.step_number}. ${s.step_name}`);
  const labelWidth = Math.min(MAX_LABEL, Math.max(...labels.map((l) => [...l].length)));
  const barWidth = Math.max(10, width - labelWidth - 2 - 2 - RIGHT);
  const scale = (t: number) => Math.round(((t - span.start) / (span.end - span.start)) * barWidth);
  const lines = [`${' '.repeat(labelWidth + 2)}${time(new Date(span.start).toISOString()).padEnd(barWidth - 8)}+${formatDuration(span.end - span.start)}`];
  run.steps.forEach((step, i) => {
    const cells: { char: string; color: string }[] = Array.from({ length: barWidth }, () => ({ char: ' ', color: '' }));
    // waits before retries first, so that an attempt shorter than a column still shows over them
    const segments = stepSegments(step, now).sort((a, b) => Number(b.kind === 'retry-wait') - Number(a.kind === 'retry-wait'));
    for (const segment of segments) {
      const bar = BARS[segment.kind] ?? OTHER;
      const from = Math.min(barWidth - 1, scale(segment.from));
      const to = Math.max(from + 1, Math.min(barWidth, scale(segment.to)));
      for (let c = from; c < to; c++) cells[c] = bar;
    }
    let bar = '';
    for (const cell of cells) bar += cell.color ? paint(cell.char, cell.color) : cell.char;
    const duration = formatDuration(step.duration_ms ?? between(step.started_at, step.completed_at, now));
    const status = paint(step.status.padEnd(10), statusColor(step.status) ?? '0');
    lines.push(`${truncate(labels[i]!, labelWidth).padEnd(labelWidth)}  ${bar}  ${status} ${duration.padStart(8)}`);
    for (const note of stepNotes(step, now)) lines.push(truncate(`${' '.repeat(Math.min(6, labelWidth))}${note}`, width));
  });
  return lines;
}

function stepNotes(step: StepDetail, now: number): string[] {
  const notes: string[] = [];
  const attempts = step.attempt_history;
  if (attempts.length > 1 || attempts.some((a) => a.status === 'Failed')) for (const a of attempts) notes.push(attemptNote(a, now));
  if (step.step_type === 'sleep' && step.sleep_until) notes.push(`${step.status === 'Sleeping' ? 'sleeps' : 'slept'} until ${time(step.sleep_until)}`);
  if (step.step_type === 'waitForEvent' && step.status === 'Waiting') notes.push(`waiting for an event${step.sleep_until ? ` until ${time(step.sleep_until)}` : ''}`);
  if (attempts.length === 0 && step.error) notes.push(`${step.error.name}: ${step.error.message}`);
  return notes;
}

function attemptNote(a: AttemptRecord, now: number): string {
  const took = a.status === 'Running' ? `for ${formatDuration(between(a.started_at, null, now))}` : `after ${formatDuration(a.duration_ms ?? between(a.started_at, a.ended_at, now))}`;
  const error = a.error ? ` — ${a.error.name}: ${a.error.message}` : '';
  const retry = a.next_retry_at ? ` — retry ${(timeOf(a.next_retry_at) ?? 0) > now ? 'at' : 'was due'} ${time(a.next_retry_at)}` : '';
  return `attempt ${a.attempt}: ${a.status} ${took}${error}${retry}`;
}

/** The run's own facts, one per line: ids, status, times, refs, metadata, input, output, error. */
export function renderRunFacts(run: RunDetail, width: number, paint: (text: string, code: string) => string, now = Date.now()): string[] {
  const json = (value: unknown) => JSON.stringify(value);
  const facts: [string, string | null][] = [
    ['Run', run.id],
    ['Workflow', `${run.workflow_name}${run.workflow ? ` (#${run.workflow.id}, ${run.workflow.run_count} run${run.workflow.run_count === 1 ? '' : 's'})` : ''}`],
    ['Status', paint(run.status, statusColor(run.status) ?? '0')],
    ['Ref', run.ref_type ? `${run.ref_type}:${run.ref_id ?? ''}` : null],
    ['Created', time(run.created_at)],
    ['Started', run.started_at ? time(run.started_at) : null],
    ['Finished', run.completed_at ? `${time(run.completed_at)} (took ${formatDuration(between(run.started_at ?? run.created_at, run.completed_at, now))})` : null],
    ['Waiting for', run.waiting_for ? `${run.waiting_for}${run.sleep_until ? ` until ${time(run.sleep_until)}` : ''}` : null],
    ['Sleeps until', !run.waiting_for && run.sleep_until ? time(run.sleep_until) : null],
    ['Retry of', run.retry_of],
    ['Metadata', run.metadata ? json(run.metadata) : null],
    ['Input', run.input_params !== null ? json(run.input_params) : null],
    ['Output', run.output_result !== null ? json(run.output_result) : null],
    ['Error', run.error ? paint(`${run.error.name}: ${run.error.message}`, '31') : null],
  ];
  return facts
    .filter((f): f is [string, string] => f[1] !== null)
    .map(([label, value]) => (value.includes('\x1b[') ? `${label.padEnd(13)}${value}` : truncate(`${label.padEnd(13)}${value}`, width)));
}
