import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Builds the package into dist/ once per run, so the tests start the real `bin/flowflare-setup.js`
 * as a user's `npx flowflare-setup` would, migrations and templates resolved from the built files,
 * and pack the library without rebuilding it (a rebuild would empty dist/ under the other tests).
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cli.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.ui.json'], { cwd: root, stdio: 'inherit' });
}
