import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sql } from '../../src/store/statement.js';
import { pendingTrackingWrites, writeTracking } from '../../src/store/writer.js';
import { flakyDb } from '../fixtures/flaky-db.js';
import { newId, rows } from '../helpers.js';

const mark = (id: string) => sql("INSERT INTO workflow_events (kind, run_id, data, created_at) VALUES ('control', ?, '{}', 'now')", id);
/** A write D1 refuses every time: workflow_runs.workflow_id is NOT NULL. */
const poisoned = (id: string) => sql('INSERT INTO workflow_runs (id, workflow_name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', id, 'x', 'Running', 'now', 'now');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the tracking writer', () => {
  it('writes in order and coalesces writes made while a batch is in flight', async () => {
    const run = newId('order');
    const { db, counting } = countingDb();
    const writes = Array.from({ length: 10 }, (_, i) => writeTracking(db, [mark(`${run}-${i}`)], undefined, run));
    const outcomes = await Promise.all(writes);
    expect(outcomes.every((o) => o.written)).toBe(true);
    expect(counting.batches).toBe(1);
    const written = await rows<{ run_id: string }>('SELECT run_id FROM workflow_events WHERE run_id LIKE ? ORDER BY id', `${run}-%`);
    expect(written.map((r) => r.run_id)).toEqual(Array.from({ length: 10 }, (_, i) => `${run}-${i}`));
  });

  it('lets writes nobody awaits linger so later ones share their batch; an awaited write ends the wait', async () => {
    const run = newId('linger');
    const { db, counting } = countingDb();
    const lingering = [];
    for (let i = 0; i < 5; i++) {
      lingering.push(writeTracking(db, [mark(`${run}-${i}`)], undefined, run, 1_000));
      await new Promise((r) => setTimeout(r, 2));
    }
    const started = Date.now();
    const urgent = await writeTracking(db, [mark(`${run}-urgent`)], undefined, run);
    expect(Date.now() - started).toBeLessThan(500);
    expect(urgent.written).toBe(true);
    expect((await Promise.all(lingering)).every((o) => o.written)).toBe(true);
    expect(counting.batches).toBe(1);
  });
});

/** The test database, counting its batches. */
function countingDb() {
  const counting = { batches: 0 };
  const db = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'batch') {
          return (s: D1PreparedStatement[]) => {
            counting.batches++;
            return target.batch(s);
          };
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return { db, counting };
}

describe('the tracking writer when D1 fails', () => {
  it('keeps writes through a D1 outage and delivers them with the next write', async () => {
    const run = newId('outage');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const db = flakyDb(env.DB, 2);
    const first = await writeTracking(db, [mark(`${run}-a`)], undefined, run);
    expect(first.written).toBe(false);
    expect(pendingTrackingWrites(db, run)).toBe(1);
    expect(errors.mock.calls.some((c) => String(c[0]).includes('kept and sent with the next tracking write'))).toBe(true);
    const second = await writeTracking(db, [mark(`${run}-b`)], undefined, run);
    expect(second.written).toBe(true);
    expect(pendingTrackingWrites(db, run)).toBe(0);
    expect(await rows('SELECT run_id FROM workflow_events WHERE run_id LIKE ? ORDER BY id', `${run}-%`)).toEqual([{ run_id: `${run}-a` }, { run_id: `${run}-b` }]);
  });

  it('drops a write D1 refuses for good, loudly and whole, without holding back later writes', async () => {
    const run = newId('poison');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const db = flakyDb(env.DB, 2);
    // The poisoned write meets an outage first, so it is kept and travels with the next write.
    const bad = await writeTracking(db, [poisoned(`${run}-bad`)], undefined, run);
    expect(bad.written).toBe(false);
    const good = await writeTracking(db, [mark(`${run}-good`)], undefined, run);
    expect(good.written).toBe(true);
    expect(pendingTrackingWrites(db, run)).toBe(0);
    expect(await rows('SELECT run_id FROM workflow_events WHERE run_id = ?', `${run}-good`)).toHaveLength(1);
    const dropped = errors.mock.calls.find((c) => String(c[0]).includes('tracking write DROPPED'));
    expect(String(dropped?.[0])).toMatch(/NOT NULL constraint failed/);
    expect(String(dropped?.[1])).toContain(`${run}-bad`);
    const later = await writeTracking(db, [mark(`${run}-later`)], undefined, run);
    expect(later.written).toBe(true);
  });
});
