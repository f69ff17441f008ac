import { UserError } from '../shared/errors.js';
import { parseArgs } from './args.js';
import { reportFailure } from './failure.js';
import { processIo, Reporter, type CliIo } from './io.js';
import { runKeys } from './keys.js';
import { inquirerPrompter, noPrompter } from './prompts.js';
import { runSetup } from './setup.js';

/**
 * Runs `flowflare-setup` and returns its exit code: 0 when set up (or cancelled, or `--help`), 1 for
 * a mistake the user can fix (shown as one line), 2 for a bug (shown in full).
 * @param argv as in `process.argv`: node, the script, then the arguments
 * @param io streams, environment and working folder; the process's own by default
 * @example
 * ```ts
 * // bin/flowflare-setup.js
 * process.exitCode = await main(process.argv);
 * // a test, with its own folder and streams
 * const code = await main(['node', 'flowflare-setup', '--dry-run'], { ...processIo(), cwd: projectDir });
 * ```
 */
export async function main(argv: readonly string[] = process.argv, io: CliIo = processIo()): Promise<number> {
  let json = argv.includes('--json');
  try {
    if (argv[2] === 'keys') return await runKeys(argv.slice(3), io);
    const parsed = parseArgs(argv, { out: (text) => io.stdout.write(text), err: (text) => io.stderr.write(text) });
    if (parsed.kind === 'exit') return parsed.code;
    const { options } = parsed;
    json = options.json;
    const reporter = new Reporter(io, options);
    const promptOutput = options.json ? io.stderr : io.stdout;
    const terminal = io.stdin.isTTY === true && promptOutput.isTTY === true;
    const interactive = terminal && !options.yes;
    if (!interactive && !options.yes && !options.dryRun) {
      throw new UserError(
        'No terminal to ask questions on: pass --yes to take the answers from flags and defaults (see --help).',
        { code: 'NOT_INTERACTIVE' },
      );
    }
    const prompter = interactive ? inquirerPrompter(io.stdin, promptOutput) : noPrompter('the run is not interactive');
    const summary = await runSetup({ options, io, reporter, prompter, interactive });
    if (json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  } catch (error) {
    return reportFailure(error, io, { json, program: 'flowflare-setup' });
  }
}
