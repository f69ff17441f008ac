import { countRunsByStatus, listRunRows } from '../../store/queries.js';
import { getRunDetailRows } from '../../store/run-detail.js';
import { toAttempt, toRun, toStep, toWorkflow } from '../../store/rows.js';
import type { Page, RunDetailResult, StatusCounts } from '../../shared/api.js';
import { listAudit } from '../../store/audit.js';
import { RUN_STATUSES, type RunStatus } from '../../shared/status.js';
import type { RunRecord } from '../../shared/types.js';
import { requireRunInScope } from '../access.js';
import { callerOf, json, param, type RouteContext } from '../context.js';
import type { RouteHandlers } from '../route-table.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { DEFAULT_PAGE_SIZE } from '../../shared/page-size.js';
import { serviceDb } from '../storage.js';
import { toRunFilters } from './filters.js';

/** Audit entries a run's detail carries, newest first (`GET /api/audit?run_id=` pages through all). */
const AUDIT_IN_DETAIL = 50;

/** `GET /api/runs`, `GET /api/runs/counts`, `GET /api/runs/:id`. */
export function runHandlers(_context: RouteContext): Pick<RouteHandlers, 'listRuns' | 'countRuns' | 'getRun'> {
  return {
  listRuns: async ({ request, env, query: q }) => {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'string');
    const page = await listRunRows(serviceDb(env), toRunFilters(q, callerOf(request)), limit, after);
    const body: Page<RunRecord> = { data: page.rows.map(toRun), next_cursor: page.next ? encodeCursor(page.next) : null };
    return json(body);
  },

  countRuns: async ({ request, env, query: q }) => {
    const found = await countRunsByStatus(serviceDb(env), toRunFilters(q, callerOf(request)), RUN_STATUSES);
    const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, found[s] ?? 0])) as Record<RunStatus, number>;
    const body: StatusCounts = { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
    return json(body);
  },

  getRun: async ({ request, env }) => {
    const id = param(request, 'id');
    const db = serviceDb(env);
    const [found, audit] = await Promise.all([getRunDetailRows(db, id), listAudit(db, { run_id: id }, AUDIT_IN_DETAIL)]);
    requireRunInScope(callerOf(request), found?.run ?? null, id);
    const rows = found!;
    const attempts = rows.attempts.map(toAttempt);
    const body: RunDetailResult = {
      ...toRun(rows.run),
      workflow: rows.workflow ? toWorkflow(rows.workflow) : null,
      steps: rows.steps.map((s) => ({
        ...toStep(s),
        attempt_history: attempts.filter((a) => a.step_name === s.step_name && a.step_count === s.step_count),
      })),
      audit,
    };
    return json(body);
  },
  };
}
