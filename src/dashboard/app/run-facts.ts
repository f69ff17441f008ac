import type { RunDetail } from '../../shared/types.js';
import { h, replaceChildren } from './dom.js';
import { between, formatDuration, formatRelative, formatTime } from './format.js';
import { statusBadge } from './status-badge.js';

/** The head of a run's page: its name, status, references, times, and what it waits for. */
export function renderRunFacts(target: HTMLElement, run: RunDetail, now = Date.now()): void {
  const finished = ['Completed', 'Errored', 'Terminated'].includes(run.status);
  const facts: [string, Node | string][] = [
    ['Run id', h('code', null, run.id)],
    ['Reference', run.ref_type || run.ref_id ? `${run.ref_type ?? ''}:${run.ref_id ?? ''}` : '—'],
    ['Created', formatTime(run.created_at)],
    ['Started', formatTime(run.started_at)],
    ['Finished', finished ? formatTime(run.completed_at ?? run.updated_at) : '—'],
    ['Duration', formatDuration(between(run.started_at ?? run.created_at, finished ? (run.completed_at ?? run.updated_at) : null, now))],
  ];
  // Nothing focusable in here: it is redrawn every second while the run is live.
  if (run.retry_of) facts.push(['Retry of', h('code', null, run.retry_of)]);
  if (run.workflow) facts.push(['Runs of this workflow', String(run.workflow.run_count)]);

  replaceChildren(
    target,
    h('div', { class: 'run-title' }, h('h1', null, run.workflow_name || 'Run'), statusBadge(run.status)),
    pauseNote(run, now),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v)))),
    run.error ? h('div', { class: 'error-box', role: 'note' }, h('strong', null, run.error.name || 'Error'), ': ', run.error.message) : null,
  );
}

/** "Sleeping until …" or "Waiting for event … until …", with how long is left. */
function pauseNote(run: RunDetail, now: number): HTMLElement | null {
  if (run.status === 'Sleeping') {
    return h('p', { class: 'pause-note' }, 'Sleeping until ', deadline(run.sleep_until, now));
  }
  if (run.status === 'Waiting') {
    return h(
      'p',
      { class: 'pause-note' },
      'Waiting for event ',
      h('code', null, run.waiting_for ?? 'an event'),
      run.sleep_until ? [' until ', deadline(run.sleep_until, now)] : ' (no deadline)',
    );
  }
  return null;
}

function deadline(iso: string | null, now: number): HTMLElement {
  return h('time', { datetime: iso ?? '' }, `${formatTime(iso)} (${formatRelative(iso, now)})`);
}
