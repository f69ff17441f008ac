import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPATIBILITY_DATE } from '../shared/compatibility-date.js';
import { STATIC_DIRECTORY } from '../shared/static-assets.js';

/** The package's `templates/` folder, two levels above this file in `src/cli/` and `dist/cli/` alike. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/**
 * The starting config for a new Worker of `role`, named `name`. It holds only the Worker's own
 * settings, with Flowflare's compatibility date; setup then adds Flowflare's bindings like it does to
 * any existing config. The service's holds its `[assets]` section: the package's static folder.
 * @param name a valid Worker name (it is put in the file as is)
 * @param assetsDirectory the package's `dist/static`, relative to the config (see `findStaticAssets`)
 */
export async function renderTemplate(role: 'service' | 'client', format: 'toml' | 'jsonc', name: string, assetsDirectory: string = STATIC_DIRECTORY): Promise<string> {
  const template = await readFile(join(TEMPLATES_DIR, role, `wrangler.${format}`), 'utf8');
  return template
    .replaceAll('{{name}}', name)
    .replaceAll('{{compatibility_date}}', COMPATIBILITY_DATE)
    .replaceAll('{{assets_directory}}', assetsDirectory);
}
