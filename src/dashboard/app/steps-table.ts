import type { StepMetrics } from '../../shared/metrics.js';
import { h, replaceChildren } from './dom.js';
import { STEP_COLUMNS, stepCells } from '../../ui/insights/figures.js';

/** The slowest steps over the range (the service sorts them by p95). */
export function createStepsTable(): { element: HTMLElement; set(steps: readonly StepMetrics[]): void } {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, 'No steps ran in this range.');
  const table = h(
    'table',
    { class: 'runs steps-table' },
    h('caption', { class: 'visually-hidden' }, 'Slowest steps, by 95th percentile of duration'),
    h('thead', null, h('tr', null, STEP_COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  const element = h('section', { class: 'insights-steps', 'aria-label': 'Slowest steps' }, h('h2', null, 'Slowest steps'), h('div', { class: 'runs-wrap' }, table, empty));
  return {
    element,
    set(steps) {
      empty.hidden = steps.length > 0;
      table.hidden = steps.length === 0;
      replaceChildren(
        body,
        steps.map((s) => h('tr', { 'data-step': s.step, 'data-workflow': s.workflow }, stepCells(s).map((c, i) => h('td', { 'data-label': STEP_COLUMNS[i]! }, c)))),
      );
    },
  };
}
