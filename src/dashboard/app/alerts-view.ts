import type { AlertRule } from '../../shared/alerts.js';
import { can } from './api.js';
import { createAlertFeed } from './alert-feed.js';
import { createAlertTable } from './alert-table.js';
import type { AppContext } from './context.js';
import { h, type View } from './dom.js';
import { followOrPoll } from './follow.js';
import { topicFor } from './follow-filters.js';
import { createRuleForm } from './rule-form.js';
import { createRuleList } from './rule-list.js';
import { reportError } from './report-error.js';

/** Alerts per page of the list. */
const PAGE_SIZE = 25;

/**
 * The alerts page: the rules (created, muted and deleted as the key's role allows) and the recent
 * alerts, newest first with cursor paging, kept live by `alert` events.
 */
export function alertsView(ctx: AppContext): View {
  const { client } = ctx.api;
  let disposed = false;
  const fail = (error: unknown) => {
    if (!disposed) reportError(ctx, error);
  };

  const rules = createRuleList(ctx, () => void loadRules());
  const loadRules = () => client.listAlertRules().then((r) => !disposed && rules.set(r.rules), fail);
  const onCreated = (rule: AlertRule) => {
    ctx.notify(`Created “${rule.name}”.`);
    void loadRules();
  };
  const table = createAlertTable('No alerts yet.');
  const more = h('button', { type: 'button', class: 'button more', hidden: true }, 'Load older alerts');
  const feed = createAlertFeed((f) => client.listAlerts(f), { limit: PAGE_SIZE }, () => {
    table.set(feed.alerts);
    more.hidden = !feed.hasMore;
  });
  more.addEventListener('click', () => {
    more.disabled = true;
    feed.more().then(() => (more.disabled = false), fail);
  });

  const element = h(
    'section',
    { class: 'alerts-view', 'aria-labelledby': 'alerts-title' },
    h('h1', { id: 'alerts-title' }, 'Alerts'),
    h(
      'section',
      { class: 'rules-section', 'aria-label': 'Alert rules' },
      h('h2', null, 'Rules'),
      // only an admin key may create (and delete) rules: the service would refuse the others
      can(ctx.api, 'admin') ? createRuleForm(ctx, onCreated) : null,
      rules.element,
    ),
    h('section', { class: 'recent-alerts', 'aria-label': 'Recent alerts' }, h('h2', null, 'Recent alerts'), table.element, more),
  );

  void loadRules();
  void feed.load().catch(fail);
  const follow = followOrPoll(
    ctx,
    topicFor({}, ctx.api.caller.scopes),
    () => void feed.load().catch(fail),
    (event) => void feed.apply(event),
    'No live topic covers every run this key may see.',
  );

  return {
    element,
    dispose() {
      disposed = true;
      follow.close();
    },
  };
}
