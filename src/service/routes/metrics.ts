import type { MetricsReport } from '../../shared/metrics.js';
import { callerOf, json, type RouteContext } from '../context.js';
import { metricsRange } from '../metrics/range.js';
import { buildMetricsReport } from '../metrics/report.js';
import type { RouteHandlers } from '../route-table.js';
import { serviceDb } from '../storage.js';
import { toRunFilters } from './filters.js';

const WHERE = 'GET /api/metrics';

/** `GET /api/metrics`: run and step metrics per bucket, from the rollups (see docs/metrics.md). */
export function metricsHandlers(context: RouteContext): Pick<RouteHandlers, 'getMetrics'> {
  return {
    getMetrics: async ({ request, env, query: q }) => {
      const range = metricsRange(q, Date.now(), context.options.retention.metricsMinutes, WHERE);
      const { since: _since, until: _until, status: _status, ...filters } = toRunFilters(q, callerOf(request));
      const body: MetricsReport = await buildMetricsReport(serviceDb(env), range, { filters, step: q.step });
      return json(body);
    },
  };
}
