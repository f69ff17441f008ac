import type { EventRecord } from '../../shared/types.js';
import { alertBadge } from './alert-badge.js';
import { createAlertFeed } from './alert-feed.js';
import { createAlertTable } from './alert-table.js';
import type { AppContext } from './context.js';
import { h, replaceChildren } from './dom.js';
import { reportError } from './report-error.js';

/** Alerts of one run read for its page (a run rarely has more). */
const RUN_ALERTS = 50;

/**
 * The alerts of one run (`GET /api/alerts?run_id=`): a mark beside the run's back link and a table
 * on its page, both hidden while the run has none, kept live by the run's `alert` events.
 */
export function createRunAlerts(
  ctx: AppContext,
  runId: string,
): { element: HTMLElement; badge: HTMLElement; load(): void; apply(event: EventRecord): boolean; dispose(): void } {
  let disposed = false;
  const badge = h('span', { class: 'run-alerts', hidden: true });
  const table = createAlertTable('No alerts for this run.');
  const element = h('section', { class: 'run-alerts-section', 'aria-label': 'Alerts', hidden: true }, h('h2', null, 'Alerts'), table.element);
  const feed = createAlertFeed((f) => ctx.api.client.listAlerts(f), { run_id: runId, limit: RUN_ALERTS }, () => {
    if (disposed) return;
    const count = feed.alerts.length;
    replaceChildren(badge, count > 0 ? alertBadge(count) : null);
    badge.hidden = element.hidden = count === 0;
    table.set(feed.alerts);
  });
  const load = () =>
    void feed.load().catch((error: unknown) => {
      if (!disposed) reportError(ctx, error, 'Alerts');
    });
  load();
  return {
    element,
    badge,
    load,
    apply: (event) => feed.apply(event),
    dispose: () => void (disposed = true),
  };
}
