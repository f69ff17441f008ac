import { Command, CommanderError } from 'commander';
import { packageVersion } from '../args.js';
import { reportFailure } from '../failure.js';
import { processIo, type CliIo } from '../io.js';
import { explainServiceError, type OpsSession } from './context.js';
import { exportCommand } from './export.js';
import { metricsCommand } from './metrics.js';
import { runShowCommand } from './run-show.js';
import { runsControlCommands } from './runs-control.js';
import { runsListCommand } from './runs-list.js';
import { runsTailCommand } from './runs-tail.js';
import { workflowsCommand } from './workflows-list.js';

const EXAMPLES = `
Examples:
  $ npx flowflare runs list --workflow order --status Errored
  $ npx flowflare runs show 3f9a0c1d-2e4b-4a69-8f1e-0c1d2e4b5a69
  $ npx flowflare runs tail --workflow order
  $ npx flowflare runs retry --workflow order --status Errored --yes
  $ npx flowflare runs send-event 3f9a0c1d --type approval --payload '{"approved":true}'
  $ npx flowflare metrics --workflow order --range 7d
  $ npx flowflare export --since 2026-11-01 --out november.ndjson

The service and key come from --url and --key, else FLOWFLARE_URL and FLOWFLARE_API_KEY, else the
project in this folder (the wrangler dev address of its wrangler config, SERVICE_API_KEY in .dev.vars).`;

/**
 * Runs `flowflare`, the operations CLI, and returns its exit code: 0 done (or cancelled at a
 * confirmation, or `--help`), 1 a mistake to fix or a failure the service reported (one line on
 * stderr; a bulk action with any failed run), 2 a bug (shown in full).
 * @param argv as in `process.argv`: node, the script, then the arguments
 * @param io streams, environment and working folder; the process's own by default
 * @example
 * ```ts
 * // bin/flowflare.js
 * process.exitCode = await opsMain(process.argv);
 * ```
 */
export async function opsMain(argv: readonly string[] = process.argv, io: CliIo = processIo()): Promise<number> {
  const session: OpsSession = { io };
  let exit = 0;
  const program = new Command('flowflare')
    .description('Operate Flowflare from the terminal: list, show, follow and control workflow runs, read their metrics, export them.')
    .version(packageVersion(), '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`✘ ${text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (see --help)\n`),
    });
  const runs = program.command('runs').description('workflow runs: list, show, tail, and control them');
  runsListCommand(runs, session);
  runShowCommand(runs, session);
  runsTailCommand(runs, session);
  runsControlCommands(runs, session, (code) => (exit = code));
  workflowsCommand(program, session);
  metricsCommand(program, session);
  exportCommand(program, session);

  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const explained = session.connection ? explainServiceError(error, session.connection) : error;
    return reportFailure(explained, io, { json: argv.includes('--json'), program: 'flowflare' });
  }
}
