import { stripVTControlCharacters } from 'node:util';
import { UserError } from '../shared/errors.js';

/** A wrangler command that exited with an error; `output` is what it printed, without colours. */
export class WranglerError extends UserError {
  override readonly name: string = 'WranglerError';
  readonly output: string;
  constructor(message: string, code: string, output: string) {
    super(message, { code });
    this.output = output;
  }
}

const NOT_LOGGED_IN = /CLOUDFLARE_API_TOKEN environment variable|Did not login|not logged in|You must be logged in/i;
const NO_ACCOUNT = /Failed to automatically retrieve account IDs|More than one account available|No account id found/;
const BAD_CREDENTIALS = /Authentication error|Invalid API Token|\[code: (?:10000|9106|9109)\]/;

/**
 * Turns a failed wrangler run into one clear message: not logged in, no account chosen, credentials
 * refused, or otherwise wrangler's own error line and notes.
 * @param commandLine the command as shown to the user, such as `wrangler d1 create flowflare_db`
 */
export function wranglerFailure(commandLine: string, rawOutput: string): WranglerError {
  const output = stripVTControlCharacters(rawOutput);
  const reason = extractError(output);
  if (NOT_LOGGED_IN.test(output)) {
    return new WranglerError(
      'Wrangler is not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then run setup again.',
      'WRANGLER_NOT_LOGGED_IN',
      output,
    );
  }
  if (NO_ACCOUNT.test(output)) {
    return new WranglerError(
      'Wrangler cannot tell which Cloudflare account to use: set CLOUDFLARE_ACCOUNT_ID, or account_id in the wrangler config. ' +
        `(${reason})`,
      'WRANGLER_NO_ACCOUNT',
      output,
    );
  }
  if (BAD_CREDENTIALS.test(output)) {
    return new WranglerError(
      `Cloudflare refused wrangler's credentials: run \`npx wrangler login\` or check CLOUDFLARE_API_TOKEN. (${reason})`,
      'WRANGLER_AUTH',
      output,
    );
  }
  return new WranglerError(`\`${commandLine}\` failed: ${reason}`, 'WRANGLER_FAILED', output);
}

/** Wrangler's `✘ [ERROR]` line and the notes under it, on one line. */
function extractError(output: string): string {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((line) => line.includes('[ERROR]'));
  const relevant = (start === -1 ? lines.slice(-5) : lines.slice(start))
    .map((line) => line.replace(/^.*\[ERROR\]\s*/, '').trim())
    .filter(
      (line) =>
        line.length > 0 &&
        !line.startsWith('If you think this is a bug') &&
        !line.includes('Logs were written to') &&
        !/^[─-]+$/.test(line),
    );
  return relevant.join(' ') || 'no error message';
}
