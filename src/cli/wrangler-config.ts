import { basename } from 'node:path';
import { z } from 'zod';
import { UserError } from '../shared/errors.js';
import { DB_BINDING, TRACKER_BINDING } from './names.js';

const d1DatabaseSchema = z.looseObject({
  binding: z.string(),
  database_name: z.string().optional(),
  database_id: z.string().optional(),
  migrations_dir: z.string().optional(),
});
const durableObjectBindingSchema = z.looseObject({
  name: z.string(),
  class_name: z.string(),
  script_name: z.string().optional(),
});
const migrationSchema = z.looseObject({
  tag: z.string(),
  new_classes: z.array(z.string()).optional(),
  new_sqlite_classes: z.array(z.string()).optional(),
  renamed_classes: z.array(z.looseObject({ from: z.string(), to: z.string() })).optional(),
});
const workflowSchema = z.looseObject({
  name: z.string(),
  binding: z.string(),
  class_name: z.string().optional(),
});
const serviceSchema = z.looseObject({ binding: z.string(), service: z.string() });

/** The parts of a wrangler config that setup reads, checked loosely: other keys pass through. */
const wranglerConfigSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  d1_databases: z.array(d1DatabaseSchema).optional(),
  durable_objects: z.looseObject({ bindings: z.array(durableObjectBindingSchema).optional() }).optional(),
  migrations: z.array(migrationSchema).optional(),
  workflows: z.array(workflowSchema).optional(),
  services: z.array(serviceSchema).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  dev: z.looseObject({ ip: z.string().optional(), port: z.number().optional(), local_protocol: z.enum(['http', 'https']).optional() }).optional(),
});

/** A wrangler config as setup sees it. */
export type WranglerConfig = z.infer<typeof wranglerConfigSchema>;

/**
 * Checks the sections setup reads and edits.
 * @throws UserError naming the file and the offending key, such as `d1_databases.0.binding`
 */
export function readWranglerConfig(path: string, data: Record<string, unknown>): WranglerConfig {
  const result = wranglerConfigSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UserError(`${basename(path)}: ${issue.path.join('.') || 'config'}: ${issue.message}`, {
    code: 'CONFIG_INVALID',
  });
}

/** The role a config already plays: a service owns the tracker, a client binds to another script's. */
export function detectRole(config: WranglerConfig): 'service' | 'client' | undefined {
  const tracker = config.durable_objects?.bindings?.find((binding) => binding.name === TRACKER_BINDING);
  if (tracker) return tracker.script_name ? 'client' : 'service';
  if (config.d1_databases?.some((db) => db.binding === DB_BINDING)) return 'service';
  return undefined;
}

/** The database behind the `DB` binding, when the config has one. */
export function boundDatabaseName(config: WranglerConfig): string | undefined {
  return config.d1_databases?.find((db) => db.binding === DB_BINDING)?.database_name;
}

/** The service a client config already binds to. */
export function boundServiceName(config: WranglerConfig): string | undefined {
  const tracker = config.durable_objects?.bindings?.find((binding) => binding.name === TRACKER_BINDING);
  return tracker?.script_name;
}
