// The generated modules the build commits (the dashboard's assets, the OpenAPI text): each is
// rewritten only when what the sources give differs from what is on disk, and `--check` says so.
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Compares `next` with the file at `path`, and writes it there when it differs and `write` is set.
 * @returns whether the file on disk was out of date
 */
export function updateGenerated(path, next, write) {
  let current = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = null;
  }
  const stale = current !== next;
  if (stale && write) writeFileSync(path, next);
  return stale;
}
