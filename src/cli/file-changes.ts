import { chmod, copyFile, mkdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../shared/errors.js';

/** A file setup creates or rewrites, with its content before (undefined: new file) and after. */
export interface FileChange {
  path: string;
  before: string | undefined;
  after: string;
  /** Keep a copy of the original beside it (`wrangler.toml.bak`) before rewriting it. */
  backup?: boolean;
  /** Show this line instead of the content (a secret, or a long file copied verbatim). */
  summary?: string;
}

/** Changes written to disk, with the backups made and a way to put everything back. */
export interface AppliedChanges {
  backups: string[];
  /** Restores every file as it was, removes the new ones, the folders made for them and the backups. */
  rollback(): Promise<void>;
}

/**
 * Writes each change atomically (a temporary file renamed over the target), first checking that the
 * file still holds what the plan was made from. If any write fails, the ones before it are undone.
 * @throws UserError when a file changed on disk since it was read
 */
export async function applyFileChanges(changes: readonly FileChange[]): Promise<AppliedChanges> {
  const undo: (() => Promise<void>)[] = [];
  const backups: string[] = [];
  const rollback = async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    undo.length = 0;
  };
  try {
    for (const change of changes) {
      const current = await readFile(change.path, 'utf8').catch(() => undefined);
      if (current !== change.before) {
        throw new UserError(`${change.path} changed while setup was running; nothing was written. Run setup again.`);
      }
      if (change.before !== undefined && change.backup) {
        const backup = await freeBackupPath(change.path);
        await copyFile(change.path, backup);
        backups.push(backup);
        undo.push(() => unlink(backup));
      }
      const madeDir = await mkdir(dirname(change.path), { recursive: true });
      if (madeDir) undo.push(() => removeEmptyDirs(dirname(change.path), madeDir));
      await writeAtomically(change.path, change.after);
      const before = change.before;
      undo.push(() => (before === undefined ? unlink(change.path) : writeAtomically(change.path, before)));
    }
  } catch (error) {
    await rollback();
    throw error;
  }
  return { backups, rollback };
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.flowflare-${process.pid}.tmp`;
  const mode = await stat(path).then((s) => s.mode, () => undefined);
  await writeFile(temporary, content, 'utf8');
  if (mode !== undefined) await chmod(temporary, mode);
  await rename(temporary, path);
}

async function freeBackupPath(path: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? `${path}.bak` : `${path}.bak.${n}`;
    const taken = await stat(candidate).then(() => true, () => false);
    if (!taken) return candidate;
  }
}

/** Removes `dir` and its parents up to and including `top`, the first folder mkdir created. */
async function removeEmptyDirs(dir: string, top: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    await rmdir(current);
    if (current === top || dirname(current) === current) return;
  }
}
