import { RUN_STATUSES } from '../../shared/status.js';
import { h } from './dom.js';
import type { Filters } from './routes.js';

/**
 * The filter bar: workflow and status apply at once, the business object on Enter or Apply.
 * @param options.status false for a page that has no status filter (Insights)
 */
export function createFiltersForm(
  filters: Filters,
  onApply: (filters: Filters) => void,
  options: { status?: boolean } = {},
): { element: HTMLElement; setWorkflowNames(names: string[]): void } {
  const workflow = h('select', { name: 'workflow', id: 'filter-workflow' }, h('option', { value: '' }, 'All workflows'));
  const status = h(
    'select',
    { name: 'status', id: 'filter-status' },
    h('option', { value: '' }, 'Any status'),
    RUN_STATUSES.map((s) => h('option', { value: s, selected: filters.status === s }, s)),
  );
  const refType = h('input', { name: 'ref_type', id: 'filter-ref-type', value: filters.ref_type ?? '', placeholder: 'e.g. campaign', autocomplete: 'off' });
  const refId = h('input', { name: 'ref_id', id: 'filter-ref-id', value: filters.ref_id ?? '', placeholder: 'e.g. campaign-123', autocomplete: 'off' });
  const problem = h('p', { class: 'form-error', role: 'alert' });

  const read = (): Filters => {
    const out: Filters = {};
    if (workflow.value) out.workflow = workflow.value;
    if (status.value) out.status = status.value as Filters['status'];
    if (refType.value.trim()) out.ref_type = refType.value.trim();
    if (refId.value.trim()) out.ref_id = refId.value.trim();
    return out;
  };
  const apply = () => {
    const next = read();
    if (Boolean(next.ref_type) !== Boolean(next.ref_id)) {
      problem.textContent = 'Give both the reference type and the reference id.';
      return;
    }
    problem.textContent = '';
    onApply(next);
  };

  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter runs' },
    field('Workflow', 'filter-workflow', workflow),
    options.status === false ? null : field('Status', 'filter-status', status),
    field('Reference type', 'filter-ref-type', refType),
    field('Reference id', 'filter-ref-id', refId),
    h(
      'div',
      { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Apply'),
      h('button', { type: 'button', class: 'button', onclick: () => onApply({}) }, 'Clear'),
    ),
    problem,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  workflow.addEventListener('change', apply);
  status.addEventListener('change', apply);

  return {
    element: form,
    setWorkflowNames(names) {
      const all = [...new Set([...names, ...(filters.workflow ? [filters.workflow] : [])])].sort();
      workflow.replaceChildren(h('option', { value: '' }, 'All workflows'), ...all.map((n) => h('option', { value: n, selected: filters.workflow === n }, n)));
    },
  };
}

function field(label: string, id: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}
