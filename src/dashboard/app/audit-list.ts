import type { AuditEntry } from '../../shared/access.js';
import { h, replaceChildren } from './dom.js';
import { formatTime } from './format.js';

/** What each audit action reads as. */
const LABELS: Record<string, string> = {
  start: 'Started',
  retry: 'Started as a retry',
  pause: 'Paused',
  resume: 'Resumed',
  terminate: 'Terminated',
  restart: 'Restarted',
  event: 'Event sent',
};

/** The run's audit trail: who started and controlled it, and when, newest first. */
export function createAuditList(): { element: HTMLElement; set(entries: AuditEntry[]): void } {
  const list = h('ol', { class: 'audit-list' });
  const element = h('section', { class: 'audit-section', 'aria-label': 'Audit trail' }, h('h2', null, 'Audit trail'), list);
  return {
    element,
    set(entries) {
      if (entries.length === 0) return replaceChildren(list, h('li', { class: 'empty' }, 'Nothing done to this run through the service.'));
      replaceChildren(
        list,
        entries.map((e) =>
          h(
            'li',
            { 'data-action': e.action },
            h('span', { class: 'audit-action' }, `${LABELS[e.action] ?? e.action}${e.action === 'event' && e.details?.type ? ` (${String(e.details.type)})` : ''}`),
            ' by ',
            h('strong', { class: 'audit-actor' }, e.actor),
            ' ',
            h('time', { datetime: e.at }, formatTime(e.at)),
          ),
        ),
      );
    },
  };
}
