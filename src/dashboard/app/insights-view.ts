import type { MetricsReport } from '../../shared/metrics.js';
import { CHART_KINDS } from '../../ui/insights/charts.js';
import { debounced, endsRunInside } from '../../ui/insights/live.js';
import { rangeWindow, type TimeRange } from '../../ui/insights/ranges.js';
import { errorText, isUnauthorized } from './api.js';
import type { AppContext } from './context.js';
import { h, type View } from './dom.js';
import { createFiltersForm } from './filters-form.js';
import { createInsightsChart } from './insights-chart.js';
import { createInsightsSummary } from './insights-summary.js';
import { followFilters } from './follow-filters.js';
import { createRangePicker } from './range-picker.js';
import { insightsHash, type Filters } from './routes.js';
import { createStepsTable } from './steps-table.js';
import { createTopErrors } from './top-errors.js';

/** How often Insights is read again when no live topic covers its filters for the key, in milliseconds. */
const POLL_MS = 15_000;

/**
 * Insights: throughput by outcome, failure rate and duration percentiles over a time range, the
 * slowest steps and the top errors, under the run list's filters. It reads the metrics again
 * (debounced) whenever a run inside the filters finishes.
 */
export function insightsView(ctx: AppContext, filters: Filters, range: TimeRange): View {
  const { client } = ctx.api;
  let disposed = false;

  const form = createFiltersForm(filters, (f) => (location.hash = insightsHash(f, range)), { status: false });
  const picker = createRangePicker(range, (r) => (location.hash = insightsHash(filters, r)));
  const summary = createInsightsSummary();
  const charts = CHART_KINDS.map(createInsightsChart);
  const steps = createStepsTable();
  const errors = createTopErrors();
  const body = h(
    'div',
    { class: 'insights-body', 'aria-busy': 'true' },
    summary.element,
    h('div', { class: 'charts' }, charts.map((c) => c.element)),
    steps.element,
    errors.element,
  );
  const element = h(
    'section',
    { class: 'insights-view', 'aria-label': 'Insights' },
    form.element,
    h('div', { class: 'insights-bar' }, h('h1', null, 'Insights'), picker),
    body,
  );

  const show = (report: MetricsReport) => {
    summary.set(report.totals);
    for (const chart of charts) chart.set(report);
    steps.set(report.steps);
    errors.set(report.errors);
    body.dataset.from = report.from;
    body.dataset.to = report.to;
    body.setAttribute('aria-busy', 'false');
  };
  const load = async () => {
    try {
      const report = await client.getMetrics({ ...filters, ...rangeWindow(range) });
      if (!disposed) show(report);
    } catch (error) {
      if (disposed) return;
      if (isUnauthorized(error)) ctx.signOut('The service refused the key.');
      else ctx.notify(errorText(error), 'error');
    }
  };
  const refresh = debounced(() => void load());

  void load();
  client.listWorkflowNames().then((r) => !disposed && form.setWorkflowNames(r.names), (error: unknown) => !disposed && ctx.notify(errorText(error), 'error'));

  const following = followFilters(ctx, filters, { reload: () => refresh.schedule(), onUpdate: (event) => endsRunInside(event, filters) && refresh.schedule() }, POLL_MS);

  return {
    element,
    dispose() {
      disposed = true;
      following.close();
      refresh.cancel();
      for (const chart of charts) chart.dispose();
    },
  };
}
