import type { SubscriptionStatus } from '../../browser/subscribe.js';
import { h } from './dom.js';

const LABELS: Record<SubscriptionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Not authorized',
  closed: 'Offline',
};

/** The header's indicator of the live connection: live, connecting, reconnecting… */
export function createConnectionBadge(): { element: HTMLElement; set(status: SubscriptionStatus, detail?: string): void } {
  const element = h('span', { class: 'connection', 'data-state': 'connecting', role: 'status', 'aria-live': 'polite' }, LABELS.connecting);
  return {
    element,
    set(status, detail) {
      element.dataset.state = status;
      element.textContent = LABELS[status];
      element.title = detail ?? '';
    },
  };
}
