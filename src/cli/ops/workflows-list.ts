import type { Command } from 'commander';
import type { WorkflowRecord } from '../../client/index.js';
import { listFilters } from './filters.js';
import { opsContext, type OpsSession } from './context.js';
import { printPage, readPages, withPageFlags, type PageFlags } from './runs-list.js';
import { shortTime, statusColor, type Column } from './table.js';

const WORKFLOW_COLUMNS: Column<WorkflowRecord>[] = [
  { header: 'ID', value: (w) => String(w.id), min: 3 },
  { header: 'NAME', value: (w) => w.name, min: 8 },
  { header: 'REF', value: (w) => (w.ref_type ? `${w.ref_type}:${w.ref_id ?? ''}` : ''), min: 6 },
  { header: 'LATEST', value: (w) => w.status ?? '', min: 10, color: (w) => statusColor(w.status) },
  { header: 'RUNS', value: (w) => String(w.run_count), min: 4 },
  { header: 'LAST RUN', value: (w) => w.last_run_id ?? '', min: 8 },
  { header: 'UPDATED', value: (w) => shortTime(w.updated_at), min: 20 },
];

/** `flowflare workflows list`: workflows (a name and a business object), most recently active first. */
export function workflowsCommand(program: Command, session: OpsSession): void {
  const workflows = program.command('workflows').description('workflows: a name and the business object its runs are about');
  withPageFlags(workflows.command('list').description('list workflows, most recently active first')).action(async (flags: PageFlags) => {
    const ctx = opsContext(session, flags);
    const filters = listFilters(flags);
    const page = await readPages(flags, (cursor, limit) => ctx.client.listWorkflows({ ...filters, cursor, limit }));
    printPage(ctx, page, WORKFLOW_COLUMNS, 'workflow');
  });
}
