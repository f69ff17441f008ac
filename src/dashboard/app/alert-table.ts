import type { AlertRecord } from '../../shared/alerts.js';
import { h, replaceChildren } from './dom.js';
import { formatTime, shortId } from './format.js';
import { runHash } from './routes.js';
import { statusBadge } from './status-badge.js';

/** What each kind of rule reads as. */
export const KIND_LABELS: Record<AlertRecord['kind'], string> = {
  run_failed: 'Run failed',
  run_stuck: 'Run stuck',
  step_retries: 'Step retries',
  failure_rate: 'Failure rate',
  p95_duration: 'p95 duration',
};

/**
 * A table of alerts, newest first. Rows are kept by alert id and updated in place when an alert's
 * delivery moves on, so a live change never moves the focus.
 */
export function createAlertTable(emptyText: string): { element: HTMLElement; set(alerts: readonly AlertRecord[]): void } {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, emptyText);
  const table = h(
    'table',
    { class: 'runs alerts' },
    h('caption', { class: 'visually-hidden' }, 'Alerts, newest first'),
    h('thead', null, h('tr', null, ...['State', 'Rule', 'Summary', 'Run', 'Fired', 'Delivered'].map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  const element = h('div', { class: 'runs-wrap' }, table, empty);
  const rows = new Map<string, HTMLTableRowElement>();
  return {
    element,
    set(alerts) {
      const wanted = new Set(alerts.map((a) => a.id));
      for (const [id, tr] of rows) {
        if (wanted.has(id)) continue;
        tr.remove();
        rows.delete(id);
      }
      alerts.forEach((alert, index) => {
        let tr = rows.get(alert.id);
        if (!tr) rows.set(alert.id, (tr = h('tr', { 'data-alert-id': alert.id })));
        fillRow(tr, alert);
        if (body.children[index] !== tr) body.insertBefore(tr, body.children[index] ?? null);
      });
      table.hidden = alerts.length === 0;
      empty.hidden = alerts.length > 0;
    },
  };
}

// A row holds a link only in its Run cell, which stays the same element while the alert lives.
function fillRow(tr: HTMLTableRowElement, alert: AlertRecord): void {
  const key = JSON.stringify([alert.state, alert.attempts, alert.last_error, alert.count, alert.delivered_at, alert.summary]);
  if (tr.dataset.key === key) return;
  const first = tr.dataset.key === undefined;
  tr.dataset.key = key;
  tr.dataset.state = alert.state;
  const state = h(
    'td',
    { 'data-label': 'State' },
    statusBadge(alert.state),
    alert.attempts > 0 ? h('span', { class: 'alert-attempts' }, alert.attempts === 1 ? '1 attempt' : `${alert.attempts} attempts`) : null,
    alert.last_error ? h('span', { class: 'alert-error' }, alert.last_error) : null,
  );
  const cells = [
    state,
    h('td', { 'data-label': 'Rule' }, h('span', { class: 'alert-rule' }, alert.rule_name), h('span', { class: 'alert-kind' }, KIND_LABELS[alert.kind] ?? alert.kind)),
    h('td', { 'data-label': 'Summary', class: 'alert-summary' }, alert.summary, alert.count > 1 ? h('span', { class: 'alert-count' }, ` (${alert.count} firings)`) : null),
    first ? runCell(alert) : tr.children[3]!,
    h('td', { 'data-label': 'Fired' }, h('time', { datetime: alert.fired_at }, formatTime(alert.fired_at))),
    h('td', { 'data-label': 'Delivered' }, alert.delivered_at ? h('time', { datetime: alert.delivered_at }, formatTime(alert.delivered_at)) : '—'),
  ];
  replaceChildren(tr, cells);
}

function runCell(alert: AlertRecord): HTMLElement {
  if (!alert.run_id) return h('td', { 'data-label': 'Run' }, alert.workflow ?? '—');
  return h(
    'td',
    { 'data-label': 'Run', title: alert.run_id },
    h('a', { href: runHash(alert.run_id), class: 'alert-run-link' }, alert.workflow ? `${alert.workflow} ` : '', h('code', null, shortId(alert.run_id))),
  );
}
