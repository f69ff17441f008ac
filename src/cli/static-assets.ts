import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { STATIC_DIRECTORY } from '../shared/static-assets.js';

/** Where the package sits below a `node_modules` folder. */
const PACKAGE_PATH = join('node_modules', '@biggidea', 'flowflare');

/** Where the service's `[assets] directory` should point, and whether the package was found there. */
export interface StaticAssetsLocation {
  /** The package's `dist/static` folder, relative to the config's folder, with `/` separators. */
  directory: string;
  /** False when no `node_modules/@biggidea/flowflare` is in the config's folder or above it. */
  found: boolean;
}

/**
 * Finds the installed package's static folder from the config's folder up, as Node resolves a
 * package (hoisted into a workspace root, it is `../../node_modules/...`), without following
 * symlinks, so that a pnpm store path with its version in it is never written into the config.
 * @returns the path relative to `configDir`; `node_modules/@biggidea/flowflare/dist/static` when the package is not installed
 */
export function findStaticAssets(configDir: string): StaticAssetsLocation {
  for (let dir = configDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, PACKAGE_PATH, 'package.json'))) {
      return { directory: relative(configDir, join(dir, PACKAGE_PATH, 'dist', 'static')).split(sep).join('/'), found: true };
    }
    if (dirname(dir) === dir) return { directory: STATIC_DIRECTORY, found: false };
  }
}
