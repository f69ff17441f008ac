// Fills local D1 with a large history in a few INSERT ... SELECT statements (a recursive CTE
// generates the rows inside SQLite), instead of one round trip per row.

/** Workflow names used by the seeded runs. */
export const SEED_NAMES = 10;
/** Distinct business objects (ref_type 'account'): each has one workflow and total/REFS runs. */
export const SEED_REFS = 100_000;

const STATUSES = ['Completed', 'Completed', 'Completed', 'Completed', 'Errored', 'Running', 'Queued', 'Terminated', 'Paused'];
const BASE = Date.parse('2025-01-01T00:00:00.000Z');

function seq(from, count) {
  return `WITH RECURSIVE seq(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM seq WHERE i < ${from + count - 1})`;
}

const statusSql = `(json_extract('${JSON.stringify(STATUSES)}', '$[' || (i % ${STATUSES.length}) || ']'))`;
const timeSql = (offsetSeconds) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${BASE / 1000} + ${offsetSeconds}, 'unixepoch')`;

/**
 * Runs `fn` with the metrics rollup triggers (migrations/0007_metrics.sql) taken off and puts them
 * back after: a seeded history is generated rows, not tracked transitions (a benchmark that wants
 * rollups seeds them itself), and seeding millions of rows is then a plain insert.
 * @param {{ prepare(sql: string): { run(): Promise<unknown>, all(): Promise<{ results: any[] }> } }} db
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withoutRollupTriggers(db, fn) {
  const { results } = await db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'metrics_%'").all();
  for (const t of results) await db.prepare(`DROP TRIGGER ${t.name}`).run();
  try {
    return await fn();
  } finally {
    for (const t of results) await db.prepare(t.sql).run();
  }
}

/**
 * Seeds `total` runs: run i belongs to ref `acct-(i % REFS)` and workflow `bench_(ref % NAMES)`,
 * is created i seconds after 2025-01-01, and has metadata `{ "source": "src-(i % 10)" }`.
 * @param {{ prepare(sql: string): { run(): Promise<unknown> } }} db
 * @param {number} total
 * @param {(done: number) => void} [progress]
 */
export async function seedRuns(db, total, progress = () => {}) {
  return withoutRollupTriggers(db, () => insertRuns(db, total, progress));
}

async function insertRuns(db, total, progress) {
  const refs = Math.min(SEED_REFS, total);
  await db
    .prepare(
      `${seq(0, refs)}
       INSERT INTO workflow (name, ref_id, ref_type, status, metadata, last_run_id, run_count, created_at, updated_at)
       SELECT 'bench_' || (i % ${SEED_NAMES}), 'acct-' || i, 'account', 'Completed', '{"team":"bench"}',
              'run-' || i, ${Math.ceil(total / refs)}, ${timeSql('i')}, ${timeSql(`${total} + i`)}
       FROM seq`,
    )
    .run();
  const chunk = 100_000;
  for (let from = 0; from < total; from += chunk) {
    const count = Math.min(chunk, total - from);
    await db
      .prepare(
        `${seq(from, count)}
         INSERT INTO workflow_runs (id, workflow_id, workflow_name, status, ref_id, ref_type, input_params, metadata, created_at, updated_at)
         SELECT 'run-' || i, (SELECT id FROM workflow WHERE name = 'bench_' || ((i % ${refs}) % ${SEED_NAMES}) AND ref_type = 'account' AND ref_id = 'acct-' || (i % ${refs})),
                'bench_' || ((i % ${refs}) % ${SEED_NAMES}), ${statusSql}, 'acct-' || (i % ${refs}), 'account',
                '{"n":' || i || '}', '{"source":"src-' || (i % 10) || '"}', ${timeSql('i')}, ${timeSql('i')}
         FROM seq`,
      )
      .run();
    progress(from + count);
  }
}
