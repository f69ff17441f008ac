// Fills the metrics rollups of local D1 as a year of tracked runs would have left them, in a few
// INSERT ... SELECT statements (a recursive CTE generates the rows inside SQLite).

const GAMMA = 1.02 / 0.98;
const key = (ms) => (ms < 1 ? 0 : 1 + Math.ceil(Math.log(ms) / Math.log(GAMMA)));

/** Workflows, ref_types (with '' for runs without one) and steps of the seeded history. */
export const ROLLUP_WORKFLOWS = 10;
export const ROLLUP_REF_TYPES = ['account', 'order', ''];
export const ROLLUP_STEPS = ['fetch', 'charge', 'notify', 'store', 'audit'];

/** A sparse sketch (as the triggers store it) of `count` log-normal durations around `medianMs`. */
function sketchJson(count, medianMs, seed) {
  let a = seed;
  const rnd = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = {};
  for (let i = 0; i < count; i++) {
    const u = Math.max(1e-9, rnd());
    const v = rnd();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const k = key(medianMs * Math.exp(normal));
    out[k] = (out[k] ?? 0) + 1;
  }
  return JSON.stringify(out);
}

const seq = (name, count) => `${name}(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM ${name} WHERE i < ${count - 1})`;
const variants = (count, medianMs) => JSON.stringify(Array.from({ length: 8 }, (_, v) => sketchJson(Math.max(1, count), medianMs, v + 1)));

/**
 * Seeds run, step and error rollups for `runs` runs over the `days` days before `end` (ms): hour
 * and day rows for every bucket, minute rows for the last 48 hours, one row per (workflow,
 * ref_type), per workflow, per ref_type and for all, as the triggers keep them.
 * @returns {Promise<{ rows: number }>}
 */
export async function seedRollups(db, runs, end, days = 365) {
  for (const table of ['metrics_runs', 'metrics_steps', 'metrics_errors']) await db.prepare(`DELETE FROM ${table}`).run();
  const combos = [];
  for (let w = 0; w < ROLLUP_WORKFLOWS; w++) {
    for (const rt of ROLLUP_REF_TYPES) combos.push([`bench_${w}`, rt, 1]);
    combos.push([`bench_${w}`, '*', ROLLUP_REF_TYPES.length]);
  }
  for (const rt of ROLLUP_REF_TYPES) combos.push(['*', rt, ROLLUP_WORKFLOWS]);
  combos.push(['*', '*', ROLLUP_WORKFLOWS * ROLLUP_REF_TYPES.length]);
  const grains = [
    ['minute', 60_000, 48 * 60],
    ['hour', 3_600_000, days * 24],
    ['day', 86_400_000, days],
  ];
  const cells = ROLLUP_WORKFLOWS * ROLLUP_REF_TYPES.length;
  for (const [grain, width, count] of grains) {
    const start = Math.floor(end / width) * width - count * width;
    // runs of one (workflow, ref_type) in one bucket; a combined row holds `weight` of them
    for (const [wf, rt, weight] of combos) {
      const perBucket = Math.max(1, Math.round((runs / (days * 86_400_000 / width)) / cells) * weight);
      await db
        .prepare(
          `WITH RECURSIVE ${seq('b', count)}
           INSERT INTO metrics_runs (grain, bucket, workflow_name, ref_type, started, completed, errored, terminated, duration, queued)
           SELECT '${grain}', strftime('%Y-%m-%dT%H:%M:00.000Z', (${start} + i * ${width}) / 1000, 'unixepoch'), '${wf}', '${rt}',
                  ${perBucket}, ${Math.round(perBucket * 0.8)}, ${Math.round(perBucket * 0.15)}, ${Math.round(perBucket * 0.05)},
                  json_extract(?, '$[' || (i % 8) || ']'), json_extract(?, '$[' || ((i + 3) % 8) || ']')
           FROM b`,
        )
        .bind(variants(perBucket, 2500), variants(perBucket, 40))
        .run();
    }
    const stepsPerBucket = Math.max(1, Math.round((runs * 2) / (days * 86_400_000 / width) / (ROLLUP_WORKFLOWS * ROLLUP_STEPS.length)));
    for (let w = 0; w < ROLLUP_WORKFLOWS; w++) {
      for (const [s, step] of ROLLUP_STEPS.entries()) {
        await db
          .prepare(
            `WITH RECURSIVE ${seq('b', count)}
             INSERT INTO metrics_steps (grain, bucket, workflow_name, step_name, count, errored, attempts, retries, duration)
             SELECT '${grain}', strftime('%Y-%m-%dT%H:%M:00.000Z', (${start} + i * ${width}) / 1000, 'unixepoch'), 'bench_${w}', '${step}',
                    ${stepsPerBucket}, ${Math.round(stepsPerBucket * 0.05)}, ${Math.round(stepsPerBucket * 1.2)}, ${Math.round(stepsPerBucket * 0.2)},
                    json_extract(?, '$[' || (i % 8) || ']')
             FROM b`,
          )
          .bind(variants(stepsPerBucket, 200 * (s + 1)))
          .run();
      }
      if (grain === 'minute') continue;
      for (const message of ['upstream timeout', 'quota exceeded', 'card declined']) {
        await db
          .prepare(
            `WITH RECURSIVE ${seq('b', count)}
             INSERT INTO metrics_errors (grain, bucket, workflow_name, step_name, message, count, first_seen, last_seen, examples)
             SELECT '${grain}', strftime('%Y-%m-%dT%H:%M:00.000Z', (${start} + i * ${width}) / 1000, 'unixepoch'), 'bench_${w}', 'charge', '${message}',
                    ${Math.max(1, Math.round(stepsPerBucket * 0.02))},
                    strftime('%Y-%m-%dT%H:%M:%fZ', (${start} + i * ${width}) / 1000, 'unixepoch'),
                    strftime('%Y-%m-%dT%H:%M:%fZ', (${start} + i * ${width} + ${width - 1}) / 1000, 'unixepoch'),
                    json_array(json_array(strftime('%Y-%m-%dT%H:%M:%fZ', (${start} + i * ${width}) / 1000, 'unixepoch'), 'run-' || i))
             FROM b`,
          )
          .run();
      }
    }
  }
  const count = async (t) => (await db.prepare(`SELECT count(*) AS n FROM ${t}`).first()).n;
  return { rows: (await count('metrics_runs')) + (await count('metrics_steps')) + (await count('metrics_errors')) };
}
