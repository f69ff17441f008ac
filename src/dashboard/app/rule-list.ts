import type { AlertRule } from '../../shared/alerts.js';
import { can } from './api.js';
import { KIND_LABELS } from './alert-table.js';
import type { AppContext } from './context.js';
import { confirmAction } from './dialogs.js';
import { h, replaceChildren } from './dom.js';
import { formatDuration, formatTime, timeOf } from './format.js';
import { askForMute } from './mute-dialog.js';
import { reportError } from './report-error.js';

/** What a rule fires on, in words. */
export function describeRule(rule: AlertRule): string {
  const over = rule.window_ms ? ` over ${formatDuration(rule.window_ms)}` : '';
  const min = rule.min_runs ? ` (at least ${rule.min_runs} runs)` : '';
  switch (rule.kind) {
    case 'run_failed':
      return `A run ends ${(rule.statuses ?? ['Errored', 'Terminated']).join(' or ')}`;
    case 'run_stuck':
      return `A run stays ${rule.status ?? 'Running'} for more than ${formatDuration(rule.after_ms)}`;
    case 'step_retries':
      return `A step is retried more than ${rule.retries ?? 0} times`;
    case 'failure_rate':
      return `Failure rate above ${Math.round((rule.threshold ?? 0) * 100)}%${over}${min}`;
    case 'p95_duration':
      return `p95 duration above ${formatDuration(rule.threshold)}${over}${min}`;
  }
}

/** The runs a rule watches, in words. */
export function describeScope(rule: AlertRule): string {
  const parts: string[] = [];
  if (rule.scope.workflow) parts.push(`workflow ${rule.scope.workflow}`);
  if (rule.scope.ref_type) parts.push(`ref_type ${rule.scope.ref_type}`);
  if (rule.scope.metadata_key) parts.push(`metadata ${rule.scope.metadata_key}${rule.scope.metadata_value ? ` = ${rule.scope.metadata_value}` : ''}`);
  return parts.length ? parts.join(', ') : 'All runs';
}

/** True while a rule's mute lasts. */
export function isMuted(rule: AlertRule, now = Date.now()): boolean {
  const until = timeOf(rule.muted_until);
  return until !== null && until > now;
}

/**
 * The alert rules, with Mute/Unmute for operate keys and Delete for admin keys (rules from the
 * service's options cannot be deleted, so they have no Delete). After a change the list is read
 * again through `reload`.
 */
export function createRuleList(ctx: AppContext, reload: () => void): { element: HTMLElement; set(rules: readonly AlertRule[]): void } {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, 'No alert rules yet.');
  const table = h(
    'table',
    { class: 'runs rules', tabindex: -1 },
    h('caption', { class: 'visually-hidden' }, 'Alert rules'),
    h('thead', null, h('tr', null, ...['Rule', 'Fires when', 'Runs', 'Sends to', 'Cooldown', 'Muted', ''].map((c) => h('th', { scope: 'col' }, c)))),
    body,
  );
  // the rule whose button was used keeps the focus when the list is drawn again (its Mute becomes Unmute)
  let refocus: string | null = null;
  const act = async (button: HTMLButtonElement, label: string, work: () => Promise<string | null>) => {
    button.disabled = true;
    try {
      const done = await work();
      if (done) {
        ctx.notify(done);
        refocus = button.closest('tr')?.dataset.ruleId ?? null;
        reload();
      }
    } catch (error) {
      reportError(ctx, error, label);
    } finally {
      button.disabled = false;
    }
  };
  const buttons = (rule: AlertRule): HTMLElement[] => {
    const out: HTMLElement[] = [];
    if (can(ctx.api, 'operate')) {
      const muted = isMuted(rule);
      const mute = h('button', { type: 'button', class: 'button', 'data-rule-action': muted ? 'unmute' : 'mute' }, muted ? 'Unmute' : 'Mute');
      mute.addEventListener('click', () =>
        act(mute, mute.textContent!, async () => {
          if (muted) {
            await ctx.api.client.muteAlertRule(rule.id, null);
            return `Unmuted “${rule.name}”.`;
          }
          const until = await askForMute(rule.name);
          if (!until) return null;
          await ctx.api.client.muteAlertRule(rule.id, until);
          return `Muted “${rule.name}” until ${formatTime(until.toISOString())}.`;
        }),
      );
      out.push(mute);
    }
    if (can(ctx.api, 'admin') && rule.source === 'api') {
      const remove = h('button', { type: 'button', class: 'button button-danger', 'data-rule-action': 'delete' }, 'Delete');
      remove.addEventListener('click', () =>
        act(remove, 'Delete', async () => {
          if (!(await confirmAction(`Delete “${rule.name}”?`, 'It stops firing; the alerts it sent stay in the list.', 'Delete', true))) return null;
          await ctx.api.client.deleteAlertRule(rule.id);
          return `Deleted “${rule.name}”.`;
        }),
      );
      out.push(remove);
    }
    return out;
  };
  return {
    element: h('div', { class: 'runs-wrap' }, table, empty),
    set(rules) {
      replaceChildren(
        body,
        rules.map((rule) =>
          h(
            'tr',
            { 'data-rule-id': rule.id, 'data-rule-name': rule.name, 'data-muted': String(isMuted(rule)) },
            h('td', { 'data-label': 'Rule' }, h('span', { class: 'alert-rule' }, rule.name), h('span', { class: 'alert-kind' }, `${KIND_LABELS[rule.kind] ?? rule.kind}${rule.source === 'options' ? ' · from options' : ''}`)),
            h('td', { 'data-label': 'Fires when' }, describeRule(rule)),
            h('td', { 'data-label': 'Runs' }, describeScope(rule)),
            h('td', { 'data-label': 'Sends to' }, rule.destinations.map((d) => h('span', { class: 'destination-label' }, d.type === 'email' ? `email ${d.to}` : `${d.type} ${hostOf(d.url)}`))),
            h('td', { 'data-label': 'Cooldown' }, formatDuration(rule.cooldown_ms)),
            h('td', { 'data-label': 'Muted' }, isMuted(rule) ? h('time', { datetime: rule.muted_until! }, `until ${formatTime(rule.muted_until)}`) : 'No'),
            h('td', { 'data-label': 'Actions' }, h('div', { class: 'rule-actions' }, buttons(rule))),
          ),
        ),
      );
      table.hidden = rules.length === 0;
      empty.hidden = rules.length > 0;
      if (refocus !== null) {
        const row = [...body.rows].find((tr) => tr.dataset.ruleId === refocus);
        (row?.querySelector('button') ?? table).focus();
        refocus = null;
      }
    },
  };
}

/** A URL's host, so a webhook's path (which may hold a secret) is not shown. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
