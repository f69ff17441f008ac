import type { StatusCounts } from '../../shared/api.js';
import { RUN_STATUSES, type RunStatus } from '../../shared/status.js';
import { h, replaceChildren } from './dom.js';

/**
 * Number of runs per status under the current filters (status aside). Each count is a button
 * that filters the list by its status; the current one is pressed.
 */
export function createCountsBar(current: RunStatus | undefined, onPick: (status: RunStatus | undefined) => void): { element: HTMLElement; set(counts: StatusCounts): void } {
  const element = h('nav', { class: 'counts', 'aria-label': 'Runs by status' });
  return {
    element,
    set(counts) {
      const chip = (label: string, count: number, status: RunStatus | undefined) =>
        h(
          'button',
          {
            type: 'button',
            class: `count count-${(status ?? 'all').toLowerCase()}`,
            'aria-pressed': String(current === status),
            'data-status': status ?? 'all',
            onclick: () => onPick(current === status ? undefined : status),
          },
          h('span', { class: 'count-label' }, label),
          h('span', { class: 'count-value' }, String(count)),
        );
      replaceChildren(
        element,
        chip('All', counts.total, undefined),
        RUN_STATUSES.filter((s) => counts.counts[s] > 0 || s === current).map((s) => chip(s, counts.counts[s], s)),
      );
    },
  };
}
