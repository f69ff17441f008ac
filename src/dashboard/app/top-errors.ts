import type { TopError } from '../../shared/metrics.js';
import { errorWhere } from '../../ui/insights/figures.js';
import { h, replaceChildren } from './dom.js';
import { formatTime, shortId } from './format.js';
import { runHash } from './routes.js';

/** The most frequent errors over the range, each with links to runs it ended. */
export function createTopErrors(): { element: HTMLElement; set(errors: readonly TopError[]): void } {
  const list = h('ol', { class: 'top-errors' });
  const empty = h('p', { class: 'empty' }, 'No errors in this range.');
  const element = h('section', { class: 'insights-errors', 'aria-label': 'Top errors' }, h('h2', null, 'Top errors'), list, empty);
  return {
    element,
    set(errors) {
      empty.hidden = errors.length > 0;
      replaceChildren(
        list,
        errors.map((e) =>
          h(
            'li',
            { class: 'top-error', 'data-count': e.count },
            h('p', { class: 'top-error-message' }, e.message),
            h(
              'p',
              { class: 'top-error-facts' },
              `${errorWhere(e)} · last ${formatTime(e.last_seen)} · runs: `,
              e.example_run_ids.map((id, i) => [i > 0 ? ', ' : '', h('a', { href: runHash(id), class: 'example-run', 'data-run-id': id }, shortId(id))]),
            ),
          ),
        ),
      );
    },
  };
}
