import type { AttemptRecord, RunDetail, StepDetail } from '../../shared/types.js';
import { runSpan, stepSegments, type TimeSpan } from '../../shared/timeline.js';
import { h, replaceChildren } from './dom.js';
import { between, formatDuration, formatRelative, formatTime, timeOf } from './format.js';
import { statusBadge } from './status-badge.js';

/**
 * The step waterfall: one row per step with a bar per attempt on a shared time axis, the wait
 * before each retry, sleeps and waits; under each bar, the same facts as text (errors, the
 * scheduled retry, deadlines), which is what screen readers get.
 */
export function renderTimeline(target: HTMLElement, run: RunDetail, now = Date.now()): void {
  if (run.steps.length === 0) {
    replaceChildren(target, h('p', { class: 'empty' }, 'No steps recorded yet.'));
    return;
  }
  const span = runSpan(run, now);
  replaceChildren(
    target,
    h(
      'div',
      { class: 'axis', 'aria-hidden': 'true' },
      h('span', null, formatTime(new Date(span.start).toISOString())),
      h('span', null, `+${formatDuration(span.end - span.start)}`),
    ),
    h('ol', { class: 'steps' }, run.steps.map((step) => stepRow(step, span, now))),
  );
}

function stepRow(step: StepDetail, span: TimeSpan, now: number): HTMLElement {
  const track = h('div', { class: 'track', 'aria-hidden': 'true' });
  for (const segment of stepSegments(step, now)) {
    const bar = h('span', { class: `seg seg-${segment.kind}`, title: segment.title });
    // CSSOM writes, not style attributes: the page's CSP allows no inline styles
    bar.style.left = `${(((segment.from - span.start) / (span.end - span.start)) * 100).toFixed(3)}%`;
    bar.style.width = `${Math.max(0.4, ((segment.to - segment.from) / (span.end - span.start)) * 100).toFixed(3)}%`;
    track.appendChild(bar);
  }
  const attempts = step.attempt_history;
  const allowed = step.max_retries === null ? null : step.max_retries + 1;
  return h(
    'li',
    { class: 'step', 'data-step': step.step_name, 'data-status': step.status },
    h(
      'div',
      { class: 'step-head' },
      h('span', { class: 'step-name' }, `${step.step_number}. ${step.step_name}`),
      h('span', { class: 'step-type' }, step.step_type),
      statusBadge(step.status),
      h('span', { class: 'step-duration' }, formatDuration(step.duration_ms ?? between(step.started_at, step.completed_at, now))),
      attempts.length > 1 || step.retry_count > 0 ? h('span', { class: 'step-attempts' }, `${attempts.length}${allowed ? ` of ${allowed}` : ''} attempts`) : null,
    ),
    track,
    stepNotes(step, now),
  );
}

function stepNotes(step: StepDetail, now: number): HTMLElement | null {
  const notes: HTMLElement[] = step.attempt_history.map((a) => attemptNote(a, now));
  if (step.step_type === 'sleep' && step.sleep_until) {
    notes.push(h('li', null, `${step.status === 'Sleeping' ? 'Sleeps' : 'Slept'} until ${formatTime(step.sleep_until)}${step.status === 'Sleeping' ? ` (${formatRelative(step.sleep_until, now)})` : ''}`));
  }
  if (step.step_type === 'waitForEvent') {
    const until = step.sleep_until ? ` until ${formatTime(step.sleep_until)} (${formatRelative(step.sleep_until, now)})` : '';
    notes.push(h('li', null, step.status === 'Waiting' ? `Waiting for an event${until}` : `Event ${step.status === 'Completed' ? 'received' : step.status.toLowerCase()}`));
  }
  if (step.attempt_history.length === 0 && step.error) notes.push(h('li', { class: 'note-error' }, `${step.error.name}: ${step.error.message}`));
  return notes.length > 0 ? h('ul', { class: 'step-notes' }, notes) : null;
}

function attemptNote(a: AttemptRecord, now: number): HTMLElement {
  const parts: (string | HTMLElement)[] = [`Attempt ${a.attempt}: ${a.status}`];
  if (a.status !== 'Running') parts.push(` after ${formatDuration(a.duration_ms ?? between(a.started_at, a.ended_at, now))}`);
  else parts.push(` for ${formatDuration(between(a.started_at, null, now))}`);
  if (a.error) parts.push(' — ', h('span', { class: 'note-error' }, `${a.error.name}: ${a.error.message}`));
  if (a.next_retry_at) {
    const t = timeOf(a.next_retry_at) ?? 0;
    parts.push(h('span', { class: 'note-retry' }, ` — retry ${t > now ? 'scheduled' : 'due'} at ${formatTime(a.next_retry_at)}${t > now ? ` (${formatRelative(a.next_retry_at, now)})` : ''}`));
  }
  return h('li', { 'data-attempt': a.attempt }, ...parts);
}
