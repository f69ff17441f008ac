import type { Role, SetupOptions } from './args.js';
import type { ConfigDocument } from './config-document.js';
import type { FileChange } from './file-changes.js';
import type { CliIo, Reporter } from './io.js';
import type { Prompter } from './prompts.js';

/** Everything one run of setup works with. */
export interface SetupSession {
  options: SetupOptions;
  io: CliIo;
  reporter: Reporter;
  prompter: Prompter;
  /** Whether questions may be asked (a terminal, and no `--yes`). */
  interactive: boolean;
}

/** The config being set up: read from disk, or about to be created from a template. */
export interface ConfigTarget {
  doc: ConfigDocument;
  /** The folder of the config, where wrangler runs and `.dev.vars` lives. */
  projectDir: string;
  /** True when the file does not exist yet. */
  created: boolean;
  role: Role;
}

/** What a role's setup will change and run, before anything is touched. */
export interface RolePlan {
  /** Files to write, the config first. */
  files: FileChange[];
  /** Wrangler commands that will run once the files are written (arguments after `wrangler`). */
  commands: string[][];
  notes: string[];
  /** What the summary reports about this role. */
  details: Partial<SetupSummary>;
  /** After confirmation, before writing: creates what the files depend on and returns the final files. */
  prepare?: () => Promise<FileChange[]>;
  /** After writing: runs the wrangler commands. A failure here puts the files back. */
  execute: () => Promise<Partial<SetupSummary>>;
  /** What the user does next. */
  next: string[];
}

/** The outcome of a run, as `--json` prints it. */
export interface SetupSummary {
  ok: true;
  role: Role;
  dryRun: boolean;
  config: string;
  configCreated: boolean;
  /** Whether any file was (or, with `--dry-run`, would be) written. */
  changed: boolean;
  files: { path: string; action: 'create' | 'update' }[];
  /** The config's diff (empty when it does not change). */
  configDiff: string;
  backups: string[];
  /** Wrangler commands run (or, with `--dry-run`, to run), as typed in a shell. */
  commands: string[];
  database?: { name: string; id: string | null; created: boolean };
  migrations?: { local: string[]; remote: string[] | null };
  apiKey?: { local: 'created' | 'kept'; remote: 'uploaded' | 'kept' | 'not requested' };
  /** The R2 bucket bound as ARCHIVE (`--archive`), and whether this run created it (absent without `--archive`). */
  archive?: { bucket: string; created: boolean };
  /** The alerts Queue and its dead-letter queue (`--alerts`), and which of them this run created (absent without `--alerts`). */
  alerts?: { queue: string; dead_letter_queue: string; created: string[] };
  service?: string;
  workflows?: string[];
  notes: string[];
  next: string[];
}

/** Asks a question when the session may, else takes the default. A value given on the command line wins. */
export async function choose<T>(
  session: SetupSession,
  given: T | undefined,
  fallback: T,
  ask: () => Promise<T>,
): Promise<T> {
  if (given !== undefined) return given;
  return session.interactive ? ask() : fallback;
}
