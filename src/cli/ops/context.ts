import type { Command } from 'commander';
import { WorkflowClient } from '../../client/index.js';
import { FlowflareError, UserError } from '../../shared/errors.js';
import { resolveConnection, type Connection, type ConnectionFlags } from '../connection.js';
import { Reporter, type CliIo } from '../io.js';
import { Cancelled } from '../failure.js';

/** The flags every `flowflare` command takes. */
export interface CommonFlags extends ConnectionFlags {
  json?: boolean;
}

/** What a command runs with: the streams, the client of the service, and how to print. */
export interface OpsContext {
  io: CliIo;
  json: boolean;
  /** Human output: stdout, or stderr with `--json` (stdout then holds only JSON). */
  reporter: Reporter;
  connection: Connection;
  client: WorkflowClient;
  /** Columns a line on stdout may take; `Infinity` when stdout is neither a terminal nor sized by COLUMNS. */
  width: number;
}

/** Adds `--url`, `--key`, `--config` and `--json` to a command. */
export function withCommonFlags(command: Command): Command {
  return command
    .option('--url <url>', "the service (default: FLOWFLARE_URL, or the project's wrangler dev address)")
    .option('--key <key>', 'an API key (default: FLOWFLARE_API_KEY, or SERVICE_API_KEY in .dev.vars)')
    .option('-c, --config <path>', 'wrangler config of the service project (default: the one wrangler finds)')
    .option('--json', 'print machine-readable JSON on stdout (messages go to stderr)');
}

/** The columns of stdout: the terminal's width, else `COLUMNS`, else no limit. */
export function outputWidth(io: CliIo): number {
  const columns = (io.stdout as { columns?: number }).columns;
  if (io.stdout.isTTY && columns) return columns;
  const fromEnv = Number(io.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Number.POSITIVE_INFINITY;
}

/** One invocation of `flowflare`: its streams, and the service once a command has resolved it (for error messages). */
export interface OpsSession {
  io: CliIo;
  connection?: Connection;
}

/** Builds the context of a command from its flags. */
export function opsContext(session: OpsSession, flags: CommonFlags): OpsContext {
  const { io } = session;
  const json = flags.json === true;
  const connection = resolveConnection(io, flags);
  session.connection = connection;
  return {
    io,
    json,
    reporter: new Reporter(io, { json, verbose: false }),
    connection,
    client: new WorkflowClient({ baseUrl: connection.url, apiKey: connection.apiKey }),
    width: outputWidth(io),
  };
}

/**
 * Turns what the service (or the way to it) answered into a mistake to fix, told in one line:
 * a refused key says where the key came from, an unreachable service says how to start or name it.
 */
export function explainServiceError(error: unknown, connection: Connection): unknown {
  if (!(error instanceof FlowflareError) || error instanceof UserError || error instanceof Cancelled) return error;
  const where = connection.url;
  const keyHint =
    connection.keyFrom === 'flag'
      ? "Pass the service's key with --key."
      : connection.keyFrom === 'environment'
        ? 'Check FLOWFLARE_API_KEY, or pass the key with --key.'
        : 'Check SERVICE_API_KEY in .dev.vars, or pass the key with --key.';
  switch (error.code) {
    case 'NETWORK_ERROR':
    case 'TIMEOUT':
      return new UserError(
        `Cannot reach the Flowflare service at ${where} (${error.message}). Is it running? Start it with \`npx wrangler dev\`, or pass --url (or set FLOWFLARE_URL) to where it runs.`,
        { code: error.code, cause: error },
      );
    case 'UNAUTHORIZED':
    case 'BAD_TOKEN':
      return new UserError(`The service at ${where} refused the API key (401): ${error.message} ${keyHint}`, { code: 'UNAUTHORIZED', cause: error });
    case 'BAD_RESPONSE':
      return new UserError(`${where} did not answer as a Flowflare service (${error.message}): check --url.`, { code: error.code, cause: error });
    default:
      return new UserError(error.message, { code: error.code, cause: error });
  }
}
