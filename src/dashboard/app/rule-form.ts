import type { AlertRule } from '../../shared/alerts.js';
import { errorText } from './api.js';
import { KIND_LABELS } from './alert-table.js';
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { ALERT_KINDS } from '../../shared/alerts.js';
import { ruleInputFrom } from './rule-input.js';

/** A labelled field of the form. */
function field(label: string, id: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'hint' }, hint) : null);
}

const input = (name: string, attrs: Record<string, string | number | boolean> = {}, id = `rule-${name}`) => h('input', { name, id, autocomplete: 'off', ...attrs });

/** One destination row: its type and its URL or address, with a button that removes it. */
function destinationRow(): HTMLElement {
  const type = h('select', { name: 'destination_type', 'aria-label': 'Destination type' }, h('option', { value: 'webhook' }, 'Webhook'), h('option', { value: 'slack' }, 'Slack'), h('option', { value: 'email' }, 'Email'));
  const target = h('input', { name: 'destination_target', 'aria-label': 'Destination URL', placeholder: 'https://…', autocomplete: 'off' });
  type.addEventListener('change', () => {
    const email = type.value === 'email';
    target.type = email ? 'email' : 'url';
    target.placeholder = email ? 'ops@example.com' : 'https://…';
    target.setAttribute('aria-label', email ? 'Destination address' : 'Destination URL');
  });
  target.type = 'url';
  const row = h('div', { class: 'destination' }, type, target);
  row.appendChild(h('button', { type: 'button', class: 'button', 'aria-label': 'Remove this destination', onclick: () => row.remove() }, '×'));
  return row;
}

/**
 * The new-rule form (admin keys): name, kind and scope, the kind's own fields (only those of the
 * chosen kind show), destinations and cooldown. The service's answer to a bad field shows in the
 * form; a created rule is handed to `onCreated`.
 */
export function createRuleForm(ctx: AppContext, onCreated: (rule: AlertRule) => void): HTMLElement {
  const kind = h('select', { name: 'kind', id: 'rule-kind' }, ALERT_KINDS.map((k) => h('option', { value: k }, KIND_LABELS[k])));
  const perKind: Record<string, HTMLElement> = {
    run_failed: h(
      'fieldset',
      { class: 'kind-fields' },
      h('legend', null, 'Fires when a run ends as'),
      ['Errored', 'Terminated'].map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'statuses', value: s, checked: true }), ` ${s}`)),
    ),
    run_stuck: h(
      'fieldset',
      { class: 'kind-fields' },
      h('legend', null, 'Fires when a run stays in one status'),
      field('Status', 'rule-status', h('select', { name: 'status', id: 'rule-status' }, ['Running', 'Queued', 'Waiting', 'Sleeping'].map((s) => h('option', { value: s }, s)))),
      field('For longer than', 'rule-after', input('after', { placeholder: 'e.g. 30 minutes' })),
    ),
    step_retries: h('fieldset', { class: 'kind-fields' }, h('legend', null, 'Fires when one step is retried'), field('More than (retries)', 'rule-retries', input('retries', { type: 'number', min: 0, step: 1, placeholder: 'e.g. 3' }))),
    failure_rate: windowFields('failure_rate', 'Fires when the share of failed runs', field('Is above (0 to 1)', 'rule-rate', input('rate', { type: 'number', min: 0, max: 1, step: 'any', placeholder: 'e.g. 0.2' }))),
    p95_duration: windowFields('p95_duration', 'Fires when the 95th percentile of run durations', field('Is above (ms)', 'rule-p95_ms', input('p95_ms', { type: 'number', min: 0, step: 1, placeholder: 'e.g. 60000' }))),
  };
  const showKind = () => {
    for (const [k, fieldset] of Object.entries(perKind)) {
      fieldset.hidden = k !== kind.value;
      // hidden fields stay out of the form's data
      fieldset.toggleAttribute('disabled', k !== kind.value);
    }
  };
  kind.addEventListener('change', showKind);

  const destinations = h('div', { class: 'destinations' }, destinationRow());
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Create rule');
  const form = h(
    'form',
    { class: 'rule-form', 'aria-label': 'New alert rule' },
    h('div', { class: 'rule-grid' }, field('Name', 'rule-name', input('name', { required: true, placeholder: 'e.g. Payments failing' })), field('Watches', 'rule-kind', kind)),
    h(
      'fieldset',
      { class: 'scope-fields' },
      h('legend', null, 'Runs it watches (empty: every run)'),
      field('Workflow', 'rule-scope_workflow', input('scope_workflow')),
      field('Reference type', 'rule-scope_ref_type', input('scope_ref_type')),
      field('Metadata key', 'rule-scope_metadata_key', input('scope_metadata_key')),
      field('Metadata value', 'rule-scope_metadata_value', input('scope_metadata_value')),
    ),
    Object.values(perKind),
    h(
      'fieldset',
      { class: 'destination-fields' },
      h('legend', null, 'Send to'),
      destinations,
      h('button', { type: 'button', class: 'button add-destination', onclick: () => destinations.appendChild(destinationRow()) }, 'Add destination'),
    ),
    field('Cooldown', 'rule-cooldown', input('cooldown', { placeholder: '15 minutes' }), 'Within it, further firings fold into one summary. Empty: 15 minutes.'),
    problem,
    h('div', { class: 'dialog-buttons' }, submit),
  );
  showKind();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const read = ruleInputFrom(new FormData(form));
    if ('error' in read) return void (problem.textContent = read.error);
    problem.textContent = '';
    submit.disabled = true;
    try {
      const rule = await ctx.api.client.createAlertRule(read.input);
      form.reset();
      destinations.replaceChildren(destinationRow());
      showKind();
      onCreated(rule);
    } catch (error) {
      problem.textContent = errorText(error);
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { class: 'rule-form-section' }, h('summary', null, 'New rule'), form);
}

/** The fields of a rule over a window of runs: a threshold, the window, the minimum number of runs. */
function windowFields(kind: string, legend: string, threshold: HTMLElement): HTMLElement {
  return h(
    'fieldset',
    { class: 'kind-fields' },
    h('legend', null, legend),
    threshold,
    field('Over the last', `rule-window-${kind}`, input('window', { placeholder: 'e.g. 1 hour' }, `rule-window-${kind}`)),
    field('With at least (runs)', `rule-min_runs-${kind}`, input('min_runs', { type: 'number', min: 1, step: 1, placeholder: '10 when empty' }, `rule-min_runs-${kind}`)),
  );
}
