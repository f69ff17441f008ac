import { h } from './dom.js';

/** The mark on a run that has alerts: says how many, so colour only helps. */
export function alertBadge(count: number): HTMLElement {
  return h('span', { class: 'alert-badge', 'data-alerts': count, title: 'Alerts fired for this run' }, count === 1 ? '1 alert' : `${count} alerts`);
}
