import { FINAL_RUN_STATUSES } from './status.js';
import type { RunDetail, StepDetail } from './types.js';

/**
 * The pure half of a run's step waterfall, shared by the dashboard (bars in HTML) and the `flowflare`
 * CLI (bars in text): the time span a run covers and the segments of each step on it.
 */

/** Milliseconds since the epoch of an ISO time, or null. */
export function timeOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** `850 ms`, `4.2 s`, `3 m 05 s`, `2 h 10 m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** Milliseconds between two ISO times (the second defaults to now). */
export function between(start: string | null | undefined, end: string | null | undefined, now = Date.now()): number | null {
  const a = timeOf(start);
  if (a === null) return null;
  return (timeOf(end) ?? now) - a;
}

/** The time span a waterfall covers, in epoch milliseconds. */
export interface TimeSpan {
  start: number;
  end: number;
}

/** From the run's start (or its first step's) to its end, or to `now` while it is not final. */
export function runSpan(run: RunDetail, now: number): TimeSpan {
  const starts = [timeOf(run.started_at ?? run.created_at), ...run.steps.map((s) => timeOf(s.started_at))].filter((t): t is number => t !== null);
  const start = Math.min(...starts);
  const final = FINAL_RUN_STATUSES.includes(run.status);
  const ends = final
    ? [timeOf(run.completed_at ?? run.updated_at), ...run.steps.flatMap((s) => [timeOf(s.completed_at), ...s.attempt_history.map((a) => timeOf(a.ended_at))])]
    : [now];
  const end = Math.max(start + 1, ...ends.filter((t): t is number => t !== null));
  return { start, end };
}

/**
 * A bar of the waterfall: an attempt (`kind` its status in lower case), the wait before a retry
 * (`retry-wait`), or a step without attempts (`sleeping`, `waiting`, or its status).
 */
export interface StepSegment {
  kind: string;
  from: number;
  to: number;
  title: string;
}

/** The bars of one step: one per attempt with the wait before each retry, or the step as a whole. */
export function stepSegments(step: StepDetail, now: number): StepSegment[] {
  const attempts = step.attempt_history;
  if (attempts.length === 0) {
    const from = timeOf(step.started_at);
    if (from === null) return [];
    const kind = step.step_type === 'do' ? step.status.toLowerCase() : step.step_type === 'sleep' ? 'sleeping' : 'waiting';
    return [{ kind, from, to: timeOf(step.completed_at) ?? now, title: `${step.step_name}: ${step.status}` }];
  }
  const segments: StepSegment[] = [];
  attempts.forEach((attempt, i) => {
    const from = timeOf(attempt.started_at);
    if (from === null) return;
    const to = timeOf(attempt.ended_at) ?? now;
    segments.push({ kind: attempt.status.toLowerCase(), from, to, title: `attempt ${attempt.attempt}: ${attempt.status}` });
    const retryAt = timeOf(attempts[i + 1]?.started_at) ?? timeOf(attempt.next_retry_at);
    if (attempt.status === 'Failed' && retryAt !== null && retryAt > to) {
      segments.push({ kind: 'retry-wait', from: to, to: Math.min(retryAt, Math.max(now, to)), title: `waiting to retry` });
    }
  });
  return segments;
}
