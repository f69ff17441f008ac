import type { Command } from 'commander';
import { opsContext, withCommonFlags, type CommonFlags, type OpsSession } from './context.js';
import { truncate } from './table.js';
import { renderRunFacts, renderWaterfall, WATERFALL_LEGEND } from './waterfall.js';

/** Columns a waterfall takes when stdout has no width (piped, no COLUMNS). */
const DEFAULT_WIDTH = 100;

/** `flowflare runs show ID`: a run's facts, and its steps as a waterfall with attempts and errors. */
export function runShowCommand(runs: Command, session: OpsSession): void {
  withCommonFlags(runs.command('show').description("a run: its facts, steps, attempts and errors, with a waterfall of the steps' durations"))
    .argument('<id>', 'the run id (the Workflows instance id)')
    .action(async (id: string, flags: CommonFlags) => {
      const ctx = opsContext(session, flags);
      const run = await ctx.client.getRun(id);
      if (ctx.json) return void ctx.io.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      const width = Number.isFinite(ctx.width) ? ctx.width : DEFAULT_WIDTH;
      const paint = (text: string, code: string) => ctx.reporter.paint(text, code);
      const lines = [
        ...renderRunFacts(run, width, paint),
        '',
        ctx.reporter.paint(`Steps (${run.steps.length})`, '1'),
        ...renderWaterfall(run, width, paint),
        ...(run.steps.length > 0 ? [ctx.reporter.paint(truncate(WATERFALL_LEGEND, width), '2')] : []),
      ];
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
    });
}
