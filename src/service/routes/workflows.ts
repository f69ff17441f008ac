import { listRunRows, listWorkflowRows, workflowsByRefStatement } from '../../store/queries.js';
import { toRun, toWorkflow, type WorkflowRow } from '../../store/rows.js';
import type { ByRefResult, Page } from '../../shared/api.js';
import type { WorkflowRecord } from '../../shared/types.js';
import { inScope } from '../access.js';
import { callerOf, json, type RouteContext } from '../context.js';
import type { RouteHandlers } from '../route-table.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../shared/page-size.js';
import { serviceDb } from '../storage.js';
import { toRunFilters } from './filters.js';

/** `GET /api/workflows`, `GET /api/workflows/by-ref`. */
export function workflowHandlers(_context: RouteContext): Pick<RouteHandlers, 'listWorkflows' | 'getWorkflowsByRef'> {
  return {
  listWorkflows: async ({ request, env, query: q }) => {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'number');
    const page = await listWorkflowRows(serviceDb(env), toRunFilters(q, callerOf(request)), limit, after);
    const body: Page<WorkflowRecord> = { data: page.rows.map(toWorkflow), next_cursor: page.next ? encodeCursor(page.next) : null };
    return json(body);
  },

  getWorkflowsByRef: async ({ request, env, query: q }) => {
    const db = serviceDb(env);
    const caller = callerOf(request);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'string');
    const w = workflowsByRefStatement(q.ref_type, q.ref_id, MAX_PAGE_SIZE);
    const [workflows, runs] = await Promise.all([
      db.prepare(w.sql).bind(...w.params).all<WorkflowRow>(),
      listRunRows(db, toRunFilters({ ref_type: q.ref_type, ref_id: q.ref_id }, caller), limit, after),
    ]);
    const body: ByRefResult = {
      ref_type: q.ref_type,
      ref_id: q.ref_id,
      workflows: workflows.results.filter((w) => inScope(caller, { workflow_name: w.name, ref_type: w.ref_type })).map(toWorkflow),
      runs: runs.rows.map(toRun),
      next_cursor: runs.next ? encodeCursor(runs.next) : null,
    };
    return json(body);
  },
  };
}
