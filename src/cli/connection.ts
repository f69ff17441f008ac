import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../shared/errors.js';
import { parseConfig } from './config-document.js';
import { findConfig } from './config-discovery.js';
import type { CliIo } from './io.js';
import { readDevVar } from './secrets.js';
import { readWranglerConfig } from './wrangler-config.js';

/** The flags every command that talks to the service takes. */
export interface ConnectionFlags {
  url?: string;
  key?: string;
  /** A wrangler config to read the dev port and `.dev.vars` from, instead of the one found from the folder. */
  config?: string;
}

/** Where a setting came from, for messages that say what to change. */
export type SettingSource = 'flag' | 'environment' | 'project';

/** The service to talk to and the key to send, with where each came from. */
export interface Connection {
  url: string;
  apiKey: string;
  urlFrom: SettingSource;
  keyFrom: SettingSource;
}

/** The port `wrangler dev` listens on when the config names none. */
const WRANGLER_DEV_PORT = 8787;

/**
 * Finds the service and its key. Each comes from the first of: the flag (`--url`, `--key`), the
 * environment (`FLOWFLARE_URL`, `FLOWFLARE_API_KEY`), the project in the current folder (the
 * `wrangler dev` address its wrangler config gives, `[dev] ip`/`port`/`local_protocol`, by default
 * `http://localhost:8787`; `SERVICE_API_KEY` in the `.dev.vars` beside the config, or in the
 * current folder).
 * @param keyRole what the key must be, for the message when there is none (`API key`, `admin key`)
 * @throws UserError saying what to pass when either is missing
 */
export function resolveConnection(io: CliIo, flags: ConnectionFlags, keyRole = 'API key'): Connection {
  const configPath = flags.config ? resolve(io.cwd, flags.config) : findConfig(io.cwd);
  if (flags.config && !existsSync(configPath!)) throw new UserError(`--config: no file at ${configPath}.`, { code: 'BAD_FLAG' });
  const fromFlagOrEnv = (flag: string | undefined, variable: string): [string, SettingSource] | undefined =>
    flag ? [flag, 'flag'] : io.env[variable] ? [io.env[variable]!, 'environment'] : undefined;

  const url = fromFlagOrEnv(flags.url, 'FLOWFLARE_URL') ?? (configPath ? ([devUrl(configPath), 'project'] as [string, SettingSource]) : undefined);
  if (!url) {
    throw new UserError('No service URL: pass --url https://your-service.workers.dev (or set FLOWFLARE_URL, or run in the service\'s project folder).', {
      code: 'NO_URL',
    });
  }
  const projectKey = () => {
    for (const dir of new Set([configPath ? dirname(configPath) : io.cwd, io.cwd])) {
      const file = join(dir, '.dev.vars');
      const key = existsSync(file) ? readDevVar(readFileSync(file, 'utf8'), 'SERVICE_API_KEY') : undefined;
      if (key) return key;
    }
    return undefined;
  };
  const fromProject = projectKey();
  const key = fromFlagOrEnv(flags.key, 'FLOWFLARE_API_KEY') ?? (fromProject ? ([fromProject, 'project'] as [string, SettingSource]) : undefined);
  if (!key) {
    throw new UserError(`No ${keyRole}: pass --key, set FLOWFLARE_API_KEY, or run where .dev.vars holds SERVICE_API_KEY.`, { code: 'NO_KEY' });
  }
  return { url: url[0].replace(/\/+$/, ''), apiKey: key[0], urlFrom: url[1], keyFrom: key[1] };
}

/** The address `wrangler dev` serves the config's Worker on. */
function devUrl(configPath: string): string {
  const config = readWranglerConfig(configPath, parseConfig(configPath, readFileSync(configPath, 'utf8')).data);
  const ip = config.dev?.ip && config.dev.ip !== '*' && config.dev.ip !== '0.0.0.0' ? config.dev.ip : 'localhost';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return `${config.dev?.local_protocol ?? 'http'}://${host}:${config.dev?.port ?? WRANGLER_DEV_PORT}`;
}
