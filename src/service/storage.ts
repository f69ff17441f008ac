import { FlowflareError } from '../shared/errors.js';

/** The D1 binding, or a configuration error that says how to add it. */
export function serviceDb(env: { DB?: unknown }): D1Database {
  const db = env.DB as D1Database | undefined;
  if (db && typeof db.prepare === 'function' && typeof db.batch === 'function') return db;
  throw new FlowflareError(
    'NOT_CONFIGURED',
    'The workflow service has no D1 binding named DB: add [[d1_databases]] with binding = "DB" (npx flowflare-setup does it).',
    { status: 503 },
  );
}
