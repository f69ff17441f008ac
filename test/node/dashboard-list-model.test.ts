import { describe, expect, it } from 'vitest';
import { appendPage, applyRunChange, matchesFilters } from '../../src/dashboard/app/list-model.js';
import type { RunRecord } from '../../src/shared/types.js';

function run(id: string, created: string, fields: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    workflow_id: 1,
    workflow_name: 'order',
    status: 'Running',
    ref_id: null,
    ref_type: null,
    input_params: { kept: true },
    output_result: null,
    error: null,
    metadata: null,
    sleep_until: null,
    waiting_for: null,
    retry_of: null,
    started_at: created,
    completed_at: null,
    created_at: created,
    updated_at: created,
    ...fields,
  };
}

const loaded = [run('c', '2026-01-03T00:00:00Z'), run('b', '2026-01-02T00:00:00Z')];

describe('the dashboard list under live changes', () => {
  it('updates a loaded run in place and keeps its input (events carry none)', () => {
    const next = applyRunChange(loaded, { ...run('b', '2026-01-02T00:00:00Z', { status: 'Completed' }), input_params: null }, {}, false);
    expect(next.map((r) => [r.id, r.status, r.input_params])).toEqual([
      ['c', 'Running', { kept: true }],
      ['b', 'Completed', { kept: true }],
    ]);
  });

  it('puts a new run in its place, newest first, and leaves older ones to paging', () => {
    expect(applyRunChange(loaded, run('d', '2026-01-04T00:00:00Z'), {}, false).map((r) => r.id)).toEqual(['d', 'c', 'b']);
    expect(applyRunChange(loaded, run('a', '2026-01-01T00:00:00Z'), {}, false).map((r) => r.id)).toEqual(['c', 'b']);
    expect(applyRunChange(loaded, run('a', '2026-01-01T00:00:00Z'), {}, true).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('drops a run that no longer matches the filters, and ignores runs of other filters', () => {
    const running = { status: 'Running' as const };
    expect(applyRunChange(loaded, run('b', '2026-01-02T00:00:00Z', { status: 'Completed' }), running, false).map((r) => r.id)).toEqual(['c']);
    expect(applyRunChange(loaded, run('e', '2026-01-05T00:00:00Z', { workflow_name: 'approval' }), { workflow: 'order' }, true).map((r) => r.id)).toEqual(['c', 'b']);
    expect(matchesFilters(run('x', '2026-01-01T00:00:00Z', { ref_type: 'order', ref_id: '7' }), { ref_type: 'order', ref_id: '8' })).toBe(false);
  });

  it('appends a page without repeating runs a live change already brought', () => {
    expect(appendPage(loaded, [run('b', '2026-01-02T00:00:00Z'), run('a', '2026-01-01T00:00:00Z')]).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });
});
