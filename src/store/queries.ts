import { sql, type SqlValue, type Statement } from './statement.js';
import type { RunRow, WorkflowRow } from './rows.js';

/** Where a keyset page starts: the sort key of the last row of the previous page. */
export interface Keyset {
  /** `created_at` of a run, `updated_at` of a workflow. */
  at: string;
  id: string | number;
}

/** A metadata key/value pair to filter on; values compare as text. */
export interface MetadataFilter {
  key: string;
  value: string;
}

/** Filters of a run list. `ref_id` needs `ref_type` (the index is on both, in that order). */
export interface RunFilters {
  workflow_name?: string;
  status?: string;
  ref_type?: string;
  ref_id?: string;
  /** Runs created at or after this ISO time. */
  since?: string;
  /** Runs created before this ISO time. */
  until?: string;
  metadata?: MetadataFilter;
  /** Only runs of these workflows and `ref_type`s (an API key's scopes); each list narrows. */
  within?: { workflows?: readonly string[]; ref_types?: readonly string[] };
}

/** Filters of a workflow list; the time range applies to `updated_at` (the latest activity). */
export type WorkflowFilters = RunFilters;

/** One page of rows and the keyset of the next page, if any. */
export interface KeysetPage<T> {
  rows: T[];
  next: Keyset | null;
}

interface Source {
  from: string;
  at: string;
  id: string;
  where: string[];
  params: SqlValue[];
}

/**
 * Chooses the index that serves a run filter. The choice is spelled out with INDEXED BY so that a
 * query the index cannot serve fails loudly instead of silently scanning a million rows.
 */
function runSource(f: RunFilters): Source {
  if (f.ref_id !== undefined && f.ref_type === undefined) {
    throw new Error('ref_id filter needs ref_type');
  }
  if (f.metadata) {
    return {
      from: 'workflow_run_metadata AS m INDEXED BY run_metadata_lookup JOIN workflow_runs AS r ON r.id = m.run_id',
      at: 'm.created_at',
      id: 'm.run_id',
      where: ['m.key = ?', 'm.value = ?'],
      params: [f.metadata.key, f.metadata.value],
    };
  }
  const index = runIndex(f);
  return { from: `workflow_runs AS r INDEXED BY ${index}`, at: 'r.created_at', id: 'r.id', where: [], params: [] };
}

/** The run index whose leading columns match the filter's equalities, most selective first. */
function runIndex(f: RunFilters): string {
  if (f.ref_id !== undefined) return 'runs_by_ref';
  if (f.ref_type !== undefined) return 'runs_by_ref_type';
  if (f.workflow_name !== undefined) return f.status !== undefined ? 'runs_by_name_status' : 'runs_by_name';
  if (f.status !== undefined) return 'runs_by_status';
  return 'runs_newest';
}

function runConditions(f: RunFilters, src: Source): { where: string[]; params: SqlValue[] } {
  return filterConditions(src, src.at, [
    ['r.ref_type', f.ref_type],
    ['r.ref_id', f.ref_id],
    ['r.workflow_name', f.workflow_name],
    ['r.status', f.status],
  ], f, [
    ['r.workflow_name', f.within?.workflows],
    ['r.ref_type', f.within?.ref_types],
  ]);
}

/** WHERE conditions for equality filters and a time range on `at`, after the source's own. */
function filterConditions(
  src: Source,
  at: string,
  equals: [column: string, value: string | undefined][],
  range: { since?: string; until?: string },
  within: [column: string, values: readonly string[] | undefined][] = [],
): { where: string[]; params: SqlValue[] } {
  const where = [...src.where];
  const params = [...src.params];
  for (const [column, value] of equals) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  for (const [column, values] of within) {
    if (values === undefined) continue;
    where.push(`${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  }
  if (range.since !== undefined) {
    where.push(`${at} >= ?`);
    params.push(range.since);
  }
  if (range.until !== undefined) {
    where.push(`${at} < ?`);
    params.push(range.until);
  }
  return { where, params };
}

function pageStatement(select: string, src: Source, cond: { where: string[]; params: SqlValue[] }, limit: number, after: Keyset | undefined, extraOrder = ''): Statement {
  const where = [...cond.where];
  const params = [...cond.params];
  if (after) {
    where.push(`(${src.at}, ${src.id}) < (?, ?)`);
    params.push(after.at, after.id);
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return sql(
    `SELECT ${select} FROM ${src.from} ${whereSql} ORDER BY ${src.at} DESC, ${src.id} DESC${extraOrder} LIMIT ?`,
    ...params,
    limit + 1,
  );
}

/**
 * The statement for one page of runs, newest first. It asks for `limit + 1` rows: the extra row
 * only tells whether a next page exists.
 */
export function runsPageStatement(filters: RunFilters, limit: number, after?: Keyset): Statement {
  const src = runSource(filters);
  return pageStatement('r.*', src, runConditions(filters, src), limit, after);
}

function workflowSource(f: WorkflowFilters): Source {
  if (f.ref_id !== undefined && f.ref_type === undefined) {
    throw new Error('ref_id filter needs ref_type');
  }
  if (f.metadata) {
    // Workflows re-sort on every run (updated_at moves), so the metadata table cannot hold the
    // sort key: the index finds the matching workflows and only those are sorted.
    return {
      from: 'workflow_metadata AS m INDEXED BY workflow_metadata_lookup JOIN workflow AS w ON w.id = m.workflow_id',
      at: 'w.updated_at',
      id: 'w.id',
      where: ['m.key = ?', 'm.value = ?'],
      params: [f.metadata.key, f.metadata.value],
    };
  }
  const index =
    f.ref_type !== undefined
      ? 'workflow_by_ref'
      : f.workflow_name !== undefined
        ? 'workflow_by_name'
        : f.status !== undefined
          ? 'workflow_by_status'
          : 'workflow_newest';
  return { from: `workflow AS w INDEXED BY ${index}`, at: 'w.updated_at', id: 'w.id', where: [], params: [] };
}

/** The statement for one page of workflows, most recently active first; asks for `limit + 1` rows. */
export function workflowsPageStatement(filters: WorkflowFilters, limit: number, after?: Keyset): Statement {
  const src = workflowSource(filters);
  const cond = filterConditions(src, 'w.updated_at', [
    ['w.ref_type', filters.ref_type],
    ['w.ref_id', filters.ref_id],
    ['w.name', filters.workflow_name],
    ['w.status', filters.status],
  ], filters, [
    ['w.name', filters.within?.workflows],
    ['w.ref_type', filters.within?.ref_types],
  ]);
  return pageStatement('w.*', src, cond, limit, after);
}

/** Splits `limit + 1` rows into a page and the keyset of the next one. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => Keyset): KeysetPage<T> {
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  return { rows: page, next: keyOf(page[page.length - 1] as T) };
}

/** Reads one page of runs. */
export async function listRunRows(db: D1Database, filters: RunFilters, limit: number, after?: Keyset): Promise<KeysetPage<RunRow>> {
  const s = runsPageStatement(filters, limit, after);
  const { results } = await db.prepare(s.sql).bind(...s.params).all<RunRow>();
  return toPage(results, limit, (r) => ({ at: r.created_at, id: r.id }));
}

/** Reads one page of workflows. */
export async function listWorkflowRows(
  db: D1Database,
  filters: WorkflowFilters,
  limit: number,
  after?: Keyset,
): Promise<KeysetPage<WorkflowRow>> {
  const s = workflowsPageStatement(filters, limit, after);
  const { results } = await db.prepare(s.sql).bind(...s.params).all<WorkflowRow>();
  return toPage(results, limit, (w) => ({ at: w.updated_at, id: w.id }));
}

/**
 * The statement counting runs per status. Each status is counted by its own index search (a
 * correlated subquery per status), never by a scan of all runs.
 * @param statuses the statuses to count, in the order the result lists them
 */
export function countRunsStatement(filters: Omit<RunFilters, 'status'>, statuses: readonly string[]): Statement {
  const src = runSource({ ...filters, status: 'x' });
  const cond = runConditions(filters, src);
  const from = filters.metadata ? src.from : 'workflow_runs AS r';
  const where = ['r.status = s.value', ...cond.where];
  return sql(
    `SELECT s.value AS status, (SELECT count(*) FROM ${from} WHERE ${where.join(' AND ')}) AS n
     FROM json_each(?) AS s`,
    ...cond.params,
    JSON.stringify(statuses),
  );
}

/** Counts runs per status; statuses with no run count 0. */
export async function countRunsByStatus(
  db: D1Database,
  filters: Omit<RunFilters, 'status'>,
  statuses: readonly string[],
): Promise<Record<string, number>> {
  const s = countRunsStatement(filters, statuses);
  const { results } = await db.prepare(s.sql).bind(...s.params).all<{ status: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.status, r.n]));
}

/** The statement listing the workflows of one business object (at most `limit`). */
export function workflowsByRefStatement(ref_type: string, ref_id: string, limit: number): Statement {
  return sql(
    `SELECT * FROM workflow AS w INDEXED BY workflow_by_ref WHERE w.ref_type = ? AND w.ref_id = ?
     ORDER BY w.updated_at DESC, w.id DESC LIMIT ?`,
    ref_type,
    ref_id,
    limit,
  );
}

/**
 * The statement reading runs a filter selects that were created before `until` and started or
 * finished at or after `since`, or have not finished (the runs, and the steps, a metrics range
 * may count), newest first, at most `limit`.
 * It searches the filter's own index, as the run list does.
 * @param select the columns, of `r` (the run)
 */
export function activeRunsStatement(filters: Omit<RunFilters, 'since' | 'until' | 'status'>, since: string, until: string, select: string, limit: number): Statement {
  const src = runSource(filters);
  const cond = runConditions({ ...filters, until }, src);
  return sql(
    `SELECT ${select} FROM ${src.from} WHERE ${[...cond.where, '(r.started_at >= ? OR r.completed_at >= ? OR r.completed_at IS NULL)'].join(' AND ')}
     ORDER BY ${src.at} DESC, ${src.id} DESC LIMIT ?`,
    ...cond.params,
    since,
    since,
    limit,
  );
}

/** Reads the query plan SQLite chooses for a statement, one line per step (`SEARCH r USING INDEX …`). */
export async function explainQueryPlan(db: D1Database, statement: Statement): Promise<string[]> {
  const { results } = await db
    .prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
    .bind(...statement.params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}
