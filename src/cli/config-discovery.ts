import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Config file names in the order wrangler 4 looks for them. */
export const CONFIG_NAMES = ['wrangler.json', 'wrangler.jsonc', 'wrangler.toml'] as const;

/**
 * Finds the config wrangler itself would use when run in `cwd`: for each name in wrangler's order,
 * the nearest such file in `cwd` or a folder above it.
 * @returns its absolute path, or undefined when there is none
 */
export function findConfig(cwd: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    for (let dir = resolve(cwd); ; dir = dirname(dir)) {
      const candidate = join(dir, name);
      if (isFile(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Whether `path` is an existing file. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
