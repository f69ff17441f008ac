import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { listFilters, withFilterFlags, type FilterFlags } from './filters.js';
import { opsContext, withCommonFlags, type CommonFlags, type OpsSession } from './context.js';

interface ExportFlags extends CommonFlags, FilterFlags {
  out?: string;
}

/** Writes a line, waiting when the stream asks to (a slow pipe or disk). */
async function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(`${line}\n`)) await once(stream, 'drain');
}

/**
 * `flowflare export`: every run the filters select as NDJSON in the archive format
 * (`flowflare.run.v1`), to stdout or to `--out FILE` (written whole or not at all).
 */
export function exportCommand(program: Command, session: OpsSession): void {
  withCommonFlags(withFilterFlags(program.command('export').description('export runs with their steps and attempts as NDJSON (flowflare.run.v1)'), ['status']))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (flags: ExportFlags) => {
      const ctx = opsContext(session, flags);
      const filters = listFilters(flags);
      const out = flags.out ? resolve(ctx.io.cwd, flags.out) : undefined;
      const partial = out ? `${out}.partial` : undefined;
      const stream = partial ? createWriteStream(partial) : ctx.io.stdout;
      let runs = 0;
      try {
        for await (const run of ctx.client.exportRuns(filters)) {
          await writeLine(stream, JSON.stringify(run));
          runs += 1;
        }
        if (partial) {
          stream.end();
          await once(stream, 'finish');
          await rename(partial, out!);
        }
      } catch (error) {
        if (partial) {
          stream.end();
          await rm(partial, { force: true });
        }
        throw error;
      }
      const where = out ?? 'stdout';
      if (ctx.json && out) ctx.io.stdout.write(`${JSON.stringify({ ok: true, out, runs }, null, 2)}\n`);
      else ctx.io.stderr.write(`Exported ${runs} run${runs === 1 ? '' : 's'} to ${where}.\n`);
    });
}
