import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileChange } from './file-changes.js';

/**
 * The package's own `migrations/` folder. This file sits two levels below the package root both as
 * source (`src/cli/`) and as built code (`dist/cli/`), so one relative URL serves both.
 */
export const PACKAGE_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Migration files to copy into the project, and the ones the project already has. */
export interface MigrationCopies {
  changes: FileChange[];
  /** Every package migration, by file name (what `wrangler d1 migrations apply` will apply). */
  names: string[];
  notes: string[];
}

/**
 * Plans copying the package's `*.sql` migrations into `migrationsDir` of the project. A file that is
 * already there unchanged is skipped; one that differs is kept (it may have been edited on purpose)
 * and reported.
 */
export async function planMigrationCopies(projectDir: string, migrationsDir: string): Promise<MigrationCopies> {
  const names = (await readdir(PACKAGE_MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort();
  const target = resolve(projectDir, migrationsDir);
  const changes: FileChange[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const content = await readFile(join(PACKAGE_MIGRATIONS_DIR, name), 'utf8');
    const path = join(target, name);
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing === undefined) {
      const lines = content.split('\n').length;
      changes.push({ path, before: undefined, after: content, summary: `Flowflare's migration, copied as it ships (${lines} lines)` });
    } else if (existing !== content) {
      notes.push(`${relative(projectDir, path)} differs from the migration Flowflare ships; it was kept as it is.`);
    }
  }
  return { changes, names, notes };
}
