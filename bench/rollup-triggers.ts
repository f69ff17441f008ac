/** What the helpers need of a D1 database (a binding, or Miniflare's proxy of one). */
interface Db {
  prepare(sql: string): { run(): Promise<unknown>; all(): Promise<{ results: unknown[] }> };
}

/**
 * Runs `fn` with the metrics rollup triggers (migrations/0007_metrics.sql) taken off and puts them
 * back after: for seeding generated history (not tracked transitions) quickly, and for measuring
 * what the rollups add to a tracking write.
 */
export async function withoutRollupTriggers<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  const { results } = await db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'metrics_%'").all();
  const triggers = results as { name: string; sql: string }[];
  for (const t of triggers) await db.prepare(`DROP TRIGGER ${t.name}`).run();
  try {
    return await fn();
  } finally {
    for (const t of triggers) await db.prepare(t.sql).run();
  }
}
