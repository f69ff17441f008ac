import { MAX_PAGE_SIZE } from '../../shared/page-size.js';
import { FINAL_RUN_STATUSES } from '../../shared/status.js';
import type { RunRecord } from '../../shared/types.js';
import { errorText, isUnauthorized } from './api.js';
import type { AppContext } from './context.js';
import { createAlertFeed } from './alert-feed.js';
import { alertsByRun } from './alerts-model.js';
import { createCountsBar } from './counts-bar.js';
import { h, type View } from './dom.js';
import { createFiltersForm } from './filters-form.js';
import { followFilters } from './follow-filters.js';
import { appendPage, applyRunChange } from './list-model.js';
import { listHash, type Filters } from './routes.js';
import { createRunTable } from './run-table.js';

/** Runs per page of the list. */
const PAGE_SIZE = 25;
/** Recent alerts read for the marks on runs. */
const RECENT_ALERTS = 100;

/**
 * The run list: filters, counts by status, the runs newest first with cursor paging, kept live by
 * a subscription to the topic the filters cover.
 */
export function listView(ctx: AppContext, filters: Filters): View {
  const { client } = ctx.api;
  let rows: RunRecord[] = [];
  let next: string | null = null;
  let disposed = false;
  let countsTimer: ReturnType<typeof setTimeout> | null = null;
  const { status: _status, ...countFilters } = filters;

  const go = (f: Filters) => (location.hash = listHash(f));
  const form = createFiltersForm(filters, go);
  const counts = createCountsBar(filters.status, (status) => go({ ...filters, status }));
  const table = createRunTable();
  const more = h('button', { type: 'button', class: 'button more', hidden: true }, 'Load older runs');
  // the recent alerts mark their runs in the table
  const alerts = createAlertFeed((f) => client.listAlerts(f), { limit: RECENT_ALERTS }, () => table.setAlerts(alertsByRun(alerts.alerts)));
  const element = h('section', { class: 'list-view', 'aria-label': 'Runs' }, form.element, counts.element, table.element, more);

  const fail = (error: unknown) => {
    if (disposed) return;
    if (isUnauthorized(error)) ctx.signOut('The service refused the key.');
    else ctx.notify(errorText(error), 'error');
  };
  const render = () => {
    table.set(rows);
    more.hidden = next === null;
  };
  const loadCounts = () => client.countRuns(countFilters).then((c) => !disposed && counts.set(c), fail);
  // A reload (a live subscription's fresh start) reads as many runs as the list shows, so that the
  // pages loaded with "Load older runs" stay; a click waits for a reload under way.
  let reloading: Promise<void> = Promise.resolve();
  const loadFirst = () =>
    (reloading = (async () => {
      void alerts.load().catch(fail);
      try {
        const page = await client.listRuns({ ...filters, limit: Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, rows.length)) });
        if (disposed) return;
        rows = page.data;
        next = page.next_cursor;
        render();
      } catch (error) {
        fail(error);
      }
    })());
  // Counts follow live changes, asked for at most every half second.
  const refreshCounts = () => {
    if (countsTimer === null) countsTimer = setTimeout(() => ((countsTimer = null), void loadCounts()), 500);
  };

  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await reloading;
      if (next === null) return;
      const page = await client.listRuns({ ...filters, limit: PAGE_SIZE, cursor: next });
      rows = appendPage(rows, page.data);
      next = page.next_cursor;
      render();
    } catch (error) {
      fail(error);
    } finally {
      more.disabled = false;
    }
  });

  void loadFirst();
  void loadCounts();
  client.listWorkflowNames().then((r) => !disposed && form.setWorkflowNames(r.names), fail);

  const following = followFilters(
    ctx,
    filters,
    {
      reload: () => void Promise.all([loadFirst(), loadCounts()]),
      onUpdate: (event) => {
        if (alerts.apply(event) || event.kind !== 'run') return;
        rows = applyRunChange(rows, event.data as unknown as RunRecord, filters, next === null);
        render();
        refreshCounts();
      },
    },
  );
  // Running durations grow while the page is open.
  const ticker = setInterval(() => rows.some((r) => !FINAL_RUN_STATUSES.includes(r.status)) && table.set(rows), 1000);

  return {
    element,
    dispose() {
      disposed = true;
      following.close();
      clearInterval(ticker);
      if (countsTimer !== null) clearTimeout(countsTimer);
    },
  };
}
