import { FINAL_RUN_STATUSES } from '../../shared/status.js';
import type { RunRecord } from '../../shared/types.js';
import { h, replaceChildren } from './dom.js';
import { between, formatDuration, formatTime, shortId } from './format.js';
import { runHash } from './routes.js';
import { statusBadge } from './status-badge.js';
import { alertBadge } from './alert-badge.js';

/**
 * The run table. Rows are kept by run id and updated in place, so a live change never moves the
 * keyboard focus or the scroll position.
 */
export function createRunTable(): { element: HTMLElement; set(runs: readonly RunRecord[], now?: number): void; setAlerts(counts: ReadonlyMap<string, number>): void } {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, 'No runs yet.');
  const table = h(
    'table',
    { class: 'runs' },
    h('caption', { class: 'visually-hidden' }, 'Workflow runs, newest first'),
    h(
      'thead',
      null,
      h('tr', null, ...['Status', 'Workflow', 'Reference', 'Run', 'Created', 'Duration'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    body,
  );
  const element = h('div', { class: 'runs-wrap' }, table, empty);
  const rows = new Map<string, Row>();
  let alertCounts: ReadonlyMap<string, number> = new Map();
  const markAlerts = (id: string, row: Row) => {
    const count = alertCounts.get(id) ?? 0;
    if (row.alerts.dataset.count !== String(count)) {
      row.alerts.dataset.count = String(count);
      replaceChildren(row.alerts, count > 0 ? alertBadge(count) : null);
    }
  };

  return {
    element,
    set(runs, now = Date.now()) {
      const wanted = new Set(runs.map((r) => r.id));
      for (const [id, row] of rows) {
        if (!wanted.has(id)) {
          row.tr.remove();
          rows.delete(id);
        }
      }
      runs.forEach((run, index) => {
        let row = rows.get(run.id);
        if (!row) {
          row = createRow(run);
          rows.set(run.id, row);
        }
        updateRow(row, run, now);
        markAlerts(run.id, row);
        if (body.children[index] !== row.tr) body.insertBefore(row.tr, body.children[index] ?? null);
      });
      table.hidden = runs.length === 0;
      empty.hidden = runs.length > 0;
    },
    /** Marks the runs that have alerts (run id to number of alerts). */
    setAlerts(counts) {
      alertCounts = counts;
      for (const [id, row] of rows) markAlerts(id, row);
    },
  };
}

/** A table row and the cells that change. */
interface Row {
  tr: HTMLTableRowElement;
  status: HTMLElement;
  reference: HTMLElement;
  duration: HTMLElement;
  alerts: HTMLElement;
}

function createRow(run: RunRecord): Row {
  const status = h('td', { 'data-label': 'Status' });
  const reference = h('td', { 'data-label': 'Reference' });
  const duration = h('td', { 'data-label': 'Duration' });
  const alerts = h('span', { class: 'run-alerts' });
  const tr = h(
    'tr',
    { 'data-run-id': run.id },
    status,
    h('td', { 'data-label': 'Workflow' }, h('a', { href: runHash(run.id), class: 'run-link' }, run.workflow_name), alerts),
    reference,
    h('td', { 'data-label': 'Run', title: run.id }, h('code', null, shortId(run.id))),
    h('td', { 'data-label': 'Created' }, formatTime(run.created_at)),
    duration,
  );
  return { tr, status, reference, duration, alerts };
}

// Only text and the badge change: the link keeps its element, and the focus with it.
function updateRow(row: Row, run: RunRecord, now: number): void {
  if (row.tr.dataset.status !== run.status) {
    row.tr.dataset.status = run.status;
    replaceChildren(row.status, statusBadge(run.status));
  }
  row.reference.textContent = run.ref_type || run.ref_id ? `${run.ref_type ?? ''}:${run.ref_id ?? ''}` : '—';
  const finished = run.completed_at ?? (FINAL_RUN_STATUSES.includes(run.status) ? run.updated_at : null);
  row.duration.textContent = formatDuration(between(run.started_at ?? run.created_at, finished, now));
}
