import { UserError } from '../shared/errors.js';
import type { ConfigEdit } from './config-document.js';
import {
  API_KEY_NAME,
  ALERTS_BINDING,
  ASSETS_BINDING,
  ARCHIVE_BINDING,
  DEFAULT_ALERTS_QUEUE,
  DB_BINDING,
  DEFAULT_MIGRATIONS_DIR,
  TRACKER_BINDING,
  TRACKER_CLASS,
  type WorkflowSpec,
} from './names.js';
import { STATIC_DIRECTORY } from '../shared/static-assets.js';
import type { WranglerConfig } from './wrangler-config.js';

/** What a config needs to change, and what the user should know about it. */
export interface ConfigPlan {
  edits: ConfigEdit[];
  notes: string[];
}

/** The changes a service Worker's config needs, plus where its D1 migrations live. */
export interface ServiceConfigPlan extends ConfigPlan {
  /** `migrations_dir` of the `DB` binding, relative to the config (wrangler's default when unset). */
  migrationsDir: string;
}

/** Choices that shape the service Worker's config. */
export interface ServiceChoices {
  databaseName: string;
  /** The database's id; undefined while it is yet to be created (previews show a placeholder). */
  databaseId: string | undefined;
  workflows: readonly WorkflowSpec[];
  configName: string;
  /** An R2 bucket to bind as `ARCHIVE`, if asked for. */
  archiveBucket?: string;
  /** A Queue for alerts (bound as `ALERTS`, consumed by the service, with a dead-letter queue), if asked for. */
  alertsQueue?: string;
  /**
   * The package's static folder relative to the config (`findStaticAssets`), for `[assets]`.
   * @default 'node_modules/@biggidea/flowflare/dist/static'
   */
  assetsDirectory?: string;
}

/** Stands in for the id of a database `wrangler d1 create` has not created yet. */
export const PENDING_DATABASE_ID = '<id from wrangler d1 create>';

/**
 * Plans the service Worker's config: the `DB` binding with its id and migrations folder, the
 * `WORKFLOW_TRACKER` Durable Object with a SQLite-backed migration, one `[[workflows]]` entry per
 * workflow, a cron trigger for maintenance (retention, reconciliation), and `[assets]`: the
 * package's static folder bound as `ASSETS` with `run_worker_first`. Anything already present is
 * left alone; a present binding that points elsewhere is an error rather than something to overwrite.
 */
export function planServiceConfig(config: WranglerConfig, choices: ServiceChoices): ServiceConfigPlan {
  const edits: ConfigEdit[] = [];
  const notes: string[] = [];
  const migrationsDir = planDatabase(config, choices, edits);
  planTracker(config, choices.configName, edits, notes);
  planWorkflows(config, choices, edits, notes);
  planMaintenance(config, edits);
  planAssets(config, choices.assetsDirectory ?? STATIC_DIRECTORY, choices.configName, edits, notes);
  if (choices.archiveBucket) planArchive(config, choices.archiveBucket, choices.configName, edits);
  if (choices.alertsQueue) planAlerts(config, choices.alertsQueue, choices.configName, edits, notes);
  if (config.vars && API_KEY_NAME in config.vars) {
    notes.push(
      `${choices.configName} sets ${API_KEY_NAME} in [vars], which is committed with the config: remove it; ` +
        `the key belongs in .dev.vars and in \`wrangler secret put ${API_KEY_NAME}\`.`,
    );
  }
  return { edits, notes, migrationsDir };
}

function planDatabase(config: WranglerConfig, choices: ServiceChoices, edits: ConfigEdit[]): string {
  const id = choices.databaseId ?? PENDING_DATABASE_ID;
  const databases = config.d1_databases ?? [];
  const index = databases.findIndex((db) => db.binding === DB_BINDING);
  const existing = databases[index];
  if (!existing) {
    edits.push({
      op: 'append',
      path: ['d1_databases'],
      value: {
        binding: DB_BINDING,
        database_name: choices.databaseName,
        database_id: id,
        migrations_dir: DEFAULT_MIGRATIONS_DIR,
      },
      comment: 'Flowflare: workflows, runs, steps and retries',
    });
    return DEFAULT_MIGRATIONS_DIR;
  }
  if (existing.database_name !== undefined && existing.database_name !== choices.databaseName) {
    throw new UserError(
      `${choices.configName} already binds ${DB_BINDING} to the database '${existing.database_name}': ` +
        `pass --database ${existing.database_name} to use it, or rename that binding.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  if (existing.database_name === undefined) {
    edits.push({ op: 'set', path: ['d1_databases', index, 'database_name'], value: choices.databaseName });
  }
  if (existing.database_id === undefined) {
    edits.push({ op: 'set', path: ['d1_databases', index, 'database_id'], value: id });
  } else if (choices.databaseId !== undefined && existing.database_id !== choices.databaseId) {
    throw new UserError(
      `${choices.configName} gives ${DB_BINDING} the database_id ${existing.database_id}, but the account's ` +
        `database '${choices.databaseName}' has the id ${choices.databaseId}: fix the config or pick another --database.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  // An existing binding keeps its own migrations folder (wrangler's default when unset).
  return existing.migrations_dir ?? 'migrations';
}

/** How often the service's `scheduled` handler prunes past the retention policy and checks stalled runs. */
export const MAINTENANCE_CRON = '*/15 * * * *';

/** A cron trigger for the service's maintenance, unless the Worker already has one (any cron runs it). */
function planMaintenance(config: WranglerConfig, edits: ConfigEdit[]): void {
  const triggers = (config as { triggers?: { crons?: unknown } }).triggers;
  if (Array.isArray(triggers?.crons) && triggers.crons.length > 0) return;
  const comment = 'Flowflare: retention and reconciliation run on this schedule';
  if (triggers) edits.push({ op: 'set', path: ['triggers', 'crons'], value: [MAINTENANCE_CRON], comment });
  else edits.push({ op: 'set', path: ['triggers'], value: { crons: [MAINTENANCE_CRON] }, comment });
}

/** The `[assets]` of a config, as far as setup reads them. */
interface AssetsConfig {
  directory?: string;
  binding?: string;
  run_worker_first?: unknown;
}

/**
 * `[assets]` with the package's static folder, bound as `ASSETS`, every request reaching the Worker
 * first (it serves the dashboard with its headers and the OpenAPI document behind the key). A config
 * that already serves another folder keeps it, with a note: a Worker has one assets folder.
 */
function planAssets(config: WranglerConfig, directory: string, configName: string, edits: ConfigEdit[], notes: string[]): void {
  const assets = (config as { assets?: AssetsConfig }).assets;
  if (!assets) {
    const value = { directory, binding: ASSETS_BINDING, run_worker_first: true };
    edits.push({ op: 'set', path: ['assets'], value, comment: "Flowflare: the dashboard's files and the OpenAPI document, served by the Worker from the package" });
    return;
  }
  if (!assets.directory?.replace(/\\/g, '/').replace(/\/+$/, '').endsWith('@biggidea/flowflare/dist/static')) {
    notes.push(
      `${configName} already serves static assets from ${assets.directory ?? '(no directory)'}, and a Worker has one assets folder: ` +
        `the dashboard and /api/openapi.json answer 503 until the files of ${directory} are served through it (docs/dashboard.md).`,
    );
    return;
  }
  if (assets.binding === undefined) edits.push({ op: 'set', path: ['assets', 'binding'], value: ASSETS_BINDING });
  else if (assets.binding !== ASSETS_BINDING) notes.push(`${configName} binds the assets as ${assets.binding}: pass assetsBinding: '${assets.binding}' to createWorkflowService.`);
  if (assets.run_worker_first === undefined) edits.push({ op: 'set', path: ['assets', 'run_worker_first'], value: true });
  else if (assets.run_worker_first !== true) {
    notes.push(
      `${configName} sets [assets] run_worker_first = ${JSON.stringify(assets.run_worker_first)}: set it to true, so that every request reaches ` +
        'the Worker (the dashboard gets its headers and its path, /api/openapi.json stays behind the key).',
    );
  }
}

/** The `ARCHIVE` R2 binding, unless it is there already; bound to another bucket it is an error. */
function planArchive(config: WranglerConfig, bucket: string, configName: string, edits: ConfigEdit[]): void {
  const buckets = (config as { r2_buckets?: { binding?: string; bucket_name?: string }[] }).r2_buckets ?? [];
  const existing = buckets.find((b) => b.binding === ARCHIVE_BINDING);
  if (existing?.bucket_name === bucket) return;
  if (existing) {
    throw new UserError(`${configName} already binds ${ARCHIVE_BINDING} to the bucket '${existing.bucket_name}': pass --archive ${existing.bucket_name}, or rename that binding.`, {
      code: 'CONFIG_CONFLICT',
    });
  }
  edits.push({ op: 'append', path: ['r2_buckets'], value: { binding: ARCHIVE_BINDING, bucket_name: bucket }, comment: 'Flowflare: runs archived before retention deletes them' });
}

/** The dead-letter queue of an alerts Queue: where notifications that failed every attempt go. */
export function alertsDeadLetterQueue(queue: string): string {
  return `${queue}-dlq`;
}

/**
 * The alerts Queue: its producer binding `ALERTS`, the service as its consumer (with retries and a
 * dead-letter queue), unless they are there; `ALERTS` bound to another queue is an error.
 */
function planAlerts(config: WranglerConfig, queue: string, configName: string, edits: ConfigEdit[], notes: string[]): void {
  type Queues = { producers?: { binding?: string; queue?: string }[]; consumers?: { queue?: string }[] };
  const queues = (config as { queues?: Queues }).queues;
  const producer = queues?.producers?.find((p) => p.binding === ALERTS_BINDING);
  if (producer && producer.queue !== queue) {
    throw new UserError(`${configName} already binds ${ALERTS_BINDING} to the queue '${producer.queue}': pass --alerts ${producer.queue}, or rename that binding.`, {
      code: 'CONFIG_CONFLICT',
    });
  }
  const comment = 'Flowflare: alert rules are evaluated and their notifications delivered through this Queue';
  if (!producer) edits.push({ op: 'append', path: ['queues', 'producers'], value: { binding: ALERTS_BINDING, queue }, comment });
  if (!queues?.consumers?.some((c) => c.queue === queue)) {
    const consumer = { queue, max_batch_size: 50, max_batch_timeout: 1, max_retries: 6, dead_letter_queue: alertsDeadLetterQueue(queue) };
    edits.push({ op: 'append', path: ['queues', 'consumers'], value: consumer, comment });
  }
  if (queue !== DEFAULT_ALERTS_QUEUE) notes.push(`Pass alerts: { queue: '${queue}' } to createWorkflowService, so that its queue handler knows the alerts Queue.`);
}

function planTracker(config: WranglerConfig, configName: string, edits: ConfigEdit[], notes: string[]): void {
  const binding = { name: TRACKER_BINDING, class_name: TRACKER_CLASS };
  const bindings = config.durable_objects?.bindings;
  const existing = bindings?.find((b) => b.name === TRACKER_BINDING);
  if (existing?.script_name) {
    throw new UserError(
      `${configName} binds ${TRACKER_BINDING} to the Worker '${existing.script_name}', as a client does: ` +
        `run with --role client, or remove that binding to make this Worker the service.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  if (existing && existing.class_name !== TRACKER_CLASS) {
    throw new UserError(
      `${configName} binds ${TRACKER_BINDING} to the class ${existing.class_name}; Flowflare's is ${TRACKER_CLASS}.`,
      { code: 'CONFIG_CONFLICT' },
    );
  }
  if (!existing) {
    if (!config.durable_objects) {
      edits.push({
        op: 'set',
        path: ['durable_objects'],
        value: { bindings: [binding] },
        comment: 'Flowflare: live updates over WebSockets (export WorkflowTracker from your Worker)',
      });
    } else {
      edits.push({ op: 'append', path: ['durable_objects', 'bindings'], value: binding });
    }
  }
  const migrations = config.migrations ?? [];
  const declaring = migrations.find(
    (m) =>
      m.new_sqlite_classes?.includes(TRACKER_CLASS) ||
      m.new_classes?.includes(TRACKER_CLASS) ||
      m.renamed_classes?.some((r) => r.to === TRACKER_CLASS),
  );
  if (declaring?.new_classes?.includes(TRACKER_CLASS)) {
    notes.push(
      `${configName} declares ${TRACKER_CLASS} with new_classes (key-value storage) in migration '${declaring.tag}'; ` +
        `Flowflare's tracker is meant for SQLite storage (new_sqlite_classes). A deployed class cannot change ` +
        `storage, so this was left as it is.`,
    );
  }
  if (!declaring) {
    const tags = new Set(migrations.map((m) => m.tag));
    let tag = 'flowflare-v1';
    for (let n = 2; tags.has(tag); n++) tag = `flowflare-v1-${n}`;
    edits.push({
      op: 'append',
      path: ['migrations'],
      value: { tag, new_sqlite_classes: [TRACKER_CLASS] },
      comment: 'Flowflare: the WorkflowTracker Durable Object keeps its state in SQLite',
    });
  }
}

function planWorkflows(config: WranglerConfig, choices: ServiceChoices, edits: ConfigEdit[], notes: string[]): void {
  const existing = config.workflows ?? [];
  const added: WorkflowSpec[] = [];
  for (const spec of choices.workflows) {
    const sameName = existing.find((w) => w.name === spec.name);
    if (sameName) {
      if (sameName.binding !== spec.binding || (sameName.class_name ?? spec.class_name) !== spec.class_name) {
        notes.push(
          `Workflow '${spec.name}' is already configured (binding ${sameName.binding}, class ` +
            `${sameName.class_name ?? '?'}); it was left as it is.`,
        );
      }
      continue;
    }
    const clash = [...existing, ...added].find((w) => w.binding === spec.binding);
    if (clash) {
      throw new UserError(
        `The binding ${spec.binding} for workflow '${spec.name}' is already used by workflow '${clash.name}' in ${choices.configName}.`,
        { code: 'CONFIG_CONFLICT' },
      );
    }
    added.push(spec);
    edits.push({
      op: 'append',
      path: ['workflows'],
      value: { name: spec.name, binding: spec.binding, class_name: spec.class_name },
      comment: 'Flowflare: workflows the service starts by name (binding = upper-cased name)',
    });
  }
}
