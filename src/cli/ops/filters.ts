import type { Command } from 'commander';
import * as z from 'zod/mini';
import type { ListFilters } from '../../client/index.js';
import { UserError } from '../../shared/errors.js';

/** The filter flags of `runs list`, the bulk actions, `workflows list` and `export`, as commander gives them. */
export interface FilterFlags {
  workflow?: string;
  status?: string;
  refType?: string;
  refId?: string;
  since?: string;
  until?: string;
  metadataKey?: string;
  metadataValue?: string;
}

/** Filter flags by their `GET /api/runs` query names. */
const FILTERS: [keyof FilterFlags, keyof ListFilters, string][] = [
  ['workflow', 'workflow', '--workflow <name>'],
  ['status', 'status', '--status <status>'],
  ['refType', 'ref_type', '--ref-type <type>'],
  ['refId', 'ref_id', '--ref-id <id>'],
  ['since', 'since', '--since <time>'],
  ['until', 'until', '--until <time>'],
  ['metadataKey', 'metadata_key', '--metadata-key <key>'],
  ['metadataValue', 'metadata_value', '--metadata-value <value>'],
];

const HELP: Record<keyof FilterFlags, string> = {
  workflow: 'only runs of this workflow',
  status: 'only runs in this status (Running, Waiting, Errored, …)',
  refType: 'only runs about this kind of business object (ref_type)',
  refId: 'only runs about this object (ref_id; needs --ref-type)',
  since: 'created at or after this time (ISO-8601 or epoch ms)',
  until: 'created before this time',
  metadataKey: 'only runs whose metadata has this key… (needs --metadata-value)',
  metadataValue: '…with this value',
};

/**
 * Adds the list filters of `GET /api/runs` to a command.
 * @param omit filters the command's route does not take (`export`: `status`)
 */
export function withFilterFlags(command: Command, omit: readonly (keyof FilterFlags)[] = []): Command {
  for (const [flag, , spec] of FILTERS) if (!omit.includes(flag)) command.option(spec, HELP[flag]);
  return command;
}

/** The filters the flags give, by their query names; only those given. */
export function listFilters(flags: FilterFlags): ListFilters {
  const filters: ListFilters = {};
  for (const [flag, query] of FILTERS) {
    const value = flags[flag];
    if (value !== undefined) (filters as Record<string, string>)[query] = value;
  }
  return filters;
}

/** `workflow approval, status Waiting`, for confirmations and summaries. */
export function describeFilters(filters: ListFilters): string {
  const parts = Object.entries(filters)
    .filter(([key, value]) => value !== undefined && key !== 'limit' && key !== 'cursor')
    .map(([key, value]) => `${key} ${String(value)}`);
  return parts.length > 0 ? parts.join(', ') : 'no filter';
}

/**
 * Parses flags with a schema; a value it refuses is a one-line mistake naming the flag
 * (`--limit: at most 100`).
 */
export function parseFlags<T>(schema: z.ZodMiniType<T>, flags: unknown): T {
  const result = schema.safeParse(flags);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const flag = String(issue.path[0] ?? 'value').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new UserError(`--${flag}: ${issue.message}`, { code: 'BAD_FLAG' });
}

/** A whole number flag between `min` and `max`. */
export function wholeNumber(min: number, max: number) {
  return z.pipe(
    z.string().check(z.regex(/^\d+$/, 'a whole number')),
    z.pipe(z.transform(Number), z.number().check(z.minimum(min, `at least ${min}`), z.maximum(max, `at most ${max}`))),
  );
}
