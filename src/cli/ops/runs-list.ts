import type { Command } from 'commander';
import * as z from 'zod/mini';
import type { Page, RunRecord } from '../../client/index.js';
import { formatDuration, between } from '../../shared/timeline.js';
import { listFilters, parseFlags, wholeNumber, withFilterFlags, type FilterFlags } from './filters.js';
import { opsContext, withCommonFlags, type CommonFlags, type OpsContext, type OpsSession } from './context.js';
import { renderTable, shortTime, statusColor, type Column } from './table.js';

/** Flags of `runs list` (and `workflows list`): the filters and the paging. */
export interface PageFlags extends CommonFlags, FilterFlags {
  limit?: string;
  cursor?: string;
  all?: boolean;
}

const pageSchema = z.object({ limit: z.optional(wholeNumber(1, 100)), cursor: z.optional(z.string().check(z.minLength(1))) });

/** Adds the filters and `--limit`, `--cursor`, `--all`. */
export function withPageFlags(command: Command): Command {
  return withCommonFlags(withFilterFlags(command))
    .option('--limit <n>', 'rows per page, 1 to 100 (default 25)')
    .option('--cursor <cursor>', 'the page after this one (next_cursor of the previous page)')
    .option('--all', 'every page, one after the other');
}

/**
 * One page, or with `--all` every page, of a list: `{ data, next_cursor }` as the service answers
 * (`next_cursor` is null after `--all`).
 */
export async function readPages<T>(flags: PageFlags, fetchPage: (cursor: string | undefined, limit: number | undefined) => Promise<Page<T>>): Promise<Page<T>> {
  const { limit, cursor } = parseFlags(pageSchema, { limit: flags.limit, cursor: flags.cursor });
  if (!flags.all) return fetchPage(cursor, limit);
  const data: T[] = [];
  let next: string | undefined = cursor;
  do {
    const page = await fetchPage(next, limit ?? 100);
    data.push(...page.data);
    next = page.next_cursor ?? undefined;
  } while (next !== undefined);
  return { data, next_cursor: null };
}

const ref = (r: { ref_type: string | null; ref_id: string | null }) => (r.ref_type ? `${r.ref_type}:${r.ref_id ?? ''}` : '');

/** The columns of a list of runs. */
export const RUN_COLUMNS: Column<RunRecord>[] = [
  { header: 'ID', value: (r) => r.id, min: 10 },
  { header: 'WORKFLOW', value: (r) => r.workflow_name, min: 8 },
  { header: 'STATUS', value: (r) => r.status, min: 10, color: (r) => statusColor(r.status) },
  { header: 'REF', value: ref, min: 6 },
  { header: 'CREATED', value: (r) => shortTime(r.created_at), min: 11 },
  { header: 'TOOK', value: (r) => (r.started_at ? formatDuration(between(r.started_at, r.completed_at)) : ''), min: 6 },
];

/** Prints a page as a table (or its JSON), with how to get the next one. */
export function printPage<T>(ctx: OpsContext, page: Page<T>, columns: Column<T>[], noun: string): void {
  if (ctx.json) return void ctx.io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
  if (page.data.length === 0) return ctx.reporter.line(`No ${noun}s match.`);
  for (const line of renderTable(columns, page.data, ctx.width, (t, c) => ctx.reporter.paint(t, c))) ctx.io.stdout.write(`${line}\n`);
  const count = `${page.data.length} ${noun}${page.data.length === 1 ? '' : 's'}`;
  ctx.io.stderr.write(page.next_cursor ? `${count}; more with --cursor ${page.next_cursor} (or --all)\n` : `${count}\n`);
}

/** `flowflare runs list`: runs, newest first, with the filters of `GET /api/runs`. */
export function runsListCommand(runs: Command, session: OpsSession): void {
  withPageFlags(runs.command('list').description('list runs, newest first')).action(async (flags: PageFlags) => {
    const ctx = opsContext(session, flags);
    const filters = listFilters(flags);
    const page = await readPages(flags, (cursor, limit) => ctx.client.listRuns({ ...filters, cursor, limit }));
    printPage(ctx, page, RUN_COLUMNS, 'run');
  });
}
