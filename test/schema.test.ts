import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { rows } from './helpers.js';

async function plan(sql: string, ...params: unknown[]): Promise<string> {
  const steps = await rows<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, ...params);
  return steps.map((s) => s.detail).join(' | ');
}

describe('schema', () => {
  it('has the four seed tables, the event log, the metadata lookup tables and the engine cursors', async () => {
    const tables = await rows<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'workflow%' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual([
      'workflow',
      'workflow_events',
      'workflow_metadata',
      'workflow_run_counts',
      'workflow_run_cursors',
      'workflow_run_metadata',
      'workflow_runs',
      'workflow_step_retries',
      'workflow_steps',
    ]);
  });

  it('refuses a second workflow with the same name and NULL refs', async () => {
    const insert = "INSERT INTO workflow (name, ref_id, ref_type, created_at, updated_at) VALUES ('dup', NULL, NULL, 'now', 'now')";
    await env.DB.prepare(insert).run();
    await expect(env.DB.prepare(insert).run()).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it('event ids only grow, even after the newest event is deleted', async () => {
    const add = () => env.DB.prepare("INSERT INTO workflow_events (kind, data, created_at) VALUES ('control', '{}', 'now') RETURNING id").first<number>('id');
    const first = await add();
    await env.DB.prepare('DELETE FROM workflow_events WHERE id = ?').bind(first).run();
    expect(await add()).toBeGreaterThan(first!);
  });

  it.each([
    ['workflow by identity', "SELECT id FROM workflow WHERE name = ? AND ifnull(ref_type, '') = ifnull(?, '') AND ifnull(ref_id, '') = ifnull(?, '')", ['a', null, null], 'workflow_identity'],
    ['workflows by ref', 'SELECT * FROM workflow WHERE ref_type = ? AND ref_id = ? ORDER BY updated_at DESC, id DESC', ['campaign', 'c1'], 'workflow_by_ref'],
    ['runs by ref, newest first', 'SELECT * FROM workflow_runs WHERE ref_type = ? AND ref_id = ? ORDER BY created_at DESC, id DESC LIMIT 20', ['campaign', 'c1'], 'runs_by_ref'],
    ['runs by status, next page', 'SELECT * FROM workflow_runs WHERE status = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 20', ['Running', 'z', 'z'], 'runs_by_status'],
    ['runs by name', 'SELECT * FROM workflow_runs WHERE workflow_name = ? ORDER BY created_at DESC, id DESC LIMIT 20', ['x'], 'runs_by_name'],
    ['newest runs', 'SELECT * FROM workflow_runs ORDER BY created_at DESC, id DESC LIMIT 20', [], 'runs_newest'],
    ['steps of a run', 'SELECT * FROM workflow_steps WHERE run_id = ? ORDER BY step_number, id', ['r'], 'steps_by_run'],
    ['attempts of a run', 'SELECT * FROM workflow_step_retries WHERE run_id = ?', ['r'], 'retries_identity'],
    ['events after a cursor', 'SELECT * FROM workflow_events WHERE id > ? ORDER BY id LIMIT 100', [0], 'INTEGER PRIMARY KEY'],
    ['events of a run after a cursor', 'SELECT * FROM workflow_events WHERE run_id = ? AND id > ? ORDER BY id', ['r', 0], 'events_by_run'],
  ])('%s uses an index', async (_name, sql, params, index) => {
    const detail = await plan(sql, ...params);
    expect(detail).toContain(index);
    expect(detail).not.toMatch(/SCAN workflow(_runs|_steps|_step_retries|_events)?\b(?! USING)/);
  });
});
