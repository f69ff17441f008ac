// The package's static folder, dist/static/: the dashboard's files at its root and the OpenAPI
// document at api/openapi.json. The service Worker serves them through Workers Static Assets
// (`[assets] directory`, binding ASSETS, run_worker_first), so they are not part of its bundle.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The static folder, relative to the repository (and to the installed package). */
export const STATIC_DIR = 'dist/static';

/**
 * Writes `text` to `path` below the static folder, creating the folders on the way.
 * @returns the absolute path written
 */
export function writeStatic(path, text) {
  const file = join(ROOT, STATIC_DIR, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}
