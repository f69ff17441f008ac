import { FlowflareError, UserError } from '../shared/errors.js';
import type { CliIo } from './io.js';

/** The user cancelled a prompt (Ctrl+C) or declined to go on: the command stops with nothing changed (exit 0). */
export class Cancelled extends FlowflareError {
  override readonly name: string = 'Cancelled';
  constructor(message: string) {
    super('CANCELLED', message);
  }
}

/**
 * Reports what stopped a command and returns its exit code, the same for every Flowflare CLI:
 * 0 when the user cancelled (nothing changed), 1 for a mistake to fix (one line on stderr), 2 for a
 * bug (the full error). With `--json`, stdout also gets `{ ok: false, error: { code, message } }`.
 * @param options.program the command's name, for the bug report
 */
export function reportFailure(error: unknown, io: CliIo, options: { json: boolean; program: string }): number {
  const { json, program } = options;
  const human = json ? io.stderr : io.stdout;
  if (error instanceof Cancelled) {
    human.write(`\n${error.message}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, cancelled: true, message: error.message })}\n`);
    return 0;
  }
  if (error instanceof UserError) {
    io.stderr.write(`✘ ${error.message}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, ...error.toJSON() })}\n`);
    return 1;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`✘ ${program} failed unexpectedly. This is a bug; please report it with this output:\n${stack}\n`);
  if (json) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof FlowflareError ? error.code : 'INTERNAL';
    io.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
  }
  return 2;
}
