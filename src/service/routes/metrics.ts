import type { MetricsReport } from '../../shared/metrics.js';
import { readQuery } from '../body.js';
import { callerOf, json, type RouteContext, type ServiceRouter } from '../context.js';
import { metricsRange } from '../metrics/range.js';
import { buildMetricsReport } from '../metrics/report.js';
import { metricsQuerySchema } from '../metrics-schema.js';
import { serviceDb } from '../storage.js';
import { toRunFilters } from './filters.js';

const WHERE = 'GET /api/metrics';

/** `GET /api/metrics`: run and step metrics per bucket, from the rollups (see docs/metrics.md). */
export function metricsRoutes(router: ServiceRouter, context: RouteContext): void {
  router.get('/metrics', async (request, env) => {
    const q = readQuery(request, metricsQuerySchema, WHERE);
    const range = metricsRange(q, Date.now(), context.options.retention.metricsMinutes, WHERE);
    const { since: _since, until: _until, status: _status, ...filters } = toRunFilters(q, callerOf(request));
    const body: MetricsReport = await buildMetricsReport(serviceDb(env), range, { filters, step: q.step });
    return json(body);
  });
}
