import { h } from './dom.js';

/** A run, step or attempt status as a coloured badge (the text says it; colour only helps). */
export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge badge-${status.toLowerCase()}` }, status);
}
