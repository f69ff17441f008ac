import { describe, expect, it } from 'vitest';
import { alertsByRun, applyAlertChange } from '../../src/dashboard/app/alerts-model.js';
import { ruleInputFrom } from '../../src/dashboard/app/rule-input.js';
import type { AlertRecord } from '../../src/shared/alerts.js';

function alert(id: string, fired: string, fields: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id,
    rule_id: 'r1',
    rule_name: 'failed orders',
    kind: 'run_failed',
    run_id: `run-${id}`,
    workflow: 'order',
    summary: `Run run-${id} (order) errored`,
    count: 1,
    state: 'fired',
    attempts: 0,
    last_error: null,
    fired_at: fired,
    delivered_at: null,
    ...fields,
  };
}

const loaded = [alert('c', '2026-01-03T00:00:00Z'), alert('b', '2026-01-02T00:00:00Z')];

describe('the dashboard alert list under live changes', () => {
  it('moves an alert on in place as its delivery changes state', () => {
    const next = applyAlertChange(loaded, { ...loaded[1]!, state: 'failed', attempts: 3, last_error: 'HTTP 500' }, true);
    expect(next.map((a) => [a.id, a.state, a.attempts])).toEqual([
      ['c', 'fired', 0],
      ['b', 'failed', 3],
    ]);
  });

  it('puts a new alert on top, and leaves one older than the loaded page for paging', () => {
    expect(applyAlertChange(loaded, alert('d', '2026-01-04T00:00:00Z'), false).map((a) => a.id)).toEqual(['d', 'c', 'b']);
    expect(applyAlertChange(loaded, alert('a', '2026-01-01T00:00:00Z'), false).map((a) => a.id)).toEqual(['c', 'b']);
    expect(applyAlertChange(loaded, alert('a', '2026-01-01T00:00:00Z'), true).map((a) => a.id)).toEqual(['c', 'b', 'a']);
  });

  it('counts alerts per run for the marks on runs, leaving out alerts of no run', () => {
    const counts = alertsByRun([...loaded, alert('e', '2026-01-05T00:00:00Z', { run_id: 'run-c' }), alert('f', '2026-01-05T00:00:00Z', { run_id: null })]);
    expect([...counts]).toEqual([
      ['run-c', 2],
      ['run-b', 1],
    ]);
  });
});

function form(fields: [string, string][]): FormData {
  const data = new FormData();
  for (const [k, v] of fields) data.append(k, v);
  return data;
}

describe('the new-rule form', () => {
  it('sends the fields of the chosen kind, the scope given and every destination with a target', () => {
    const read = ruleInputFrom(
      form([
        ['name', ' Slow reports '],
        ['kind', 'p95_duration'],
        ['scope_workflow', 'nightly_report'],
        ['scope_ref_type', ''],
        ['p95_ms', '60000'],
        ['window', '1 hour'],
        ['min_runs', '5'],
        ['destination_type', 'webhook'],
        ['destination_target', 'https://example.com/hook'],
        ['destination_type', 'email'],
        ['destination_target', 'ops@example.com'],
        ['destination_type', 'slack'],
        ['destination_target', ' '],
        ['cooldown', ''],
      ]),
    );
    expect(read).toEqual({
      input: {
        name: 'Slow reports',
        kind: 'p95_duration',
        scope: { workflow: 'nightly_report' },
        threshold: 60000,
        window: '1 hour',
        min_runs: 5,
        destinations: [
          { type: 'webhook', url: 'https://example.com/hook' },
          { type: 'email', to: 'ops@example.com' },
        ],
      },
    });
  });

  it('says what is missing or wrong before anything is sent', () => {
    expect(ruleInputFrom(form([['kind', 'run_failed']]))).toEqual({ error: 'Give the rule a name.' });
    expect(ruleInputFrom(form([['name', 'x'], ['kind', 'run_failed'], ['destination_type', 'webhook'], ['destination_target', 'https://e.x']]))).toEqual({ error: 'Pick at least one status the rule fires on.' });
    expect(ruleInputFrom(form([['name', 'x'], ['kind', 'failure_rate'], ['rate', 'lots']]))).toEqual({ error: 'The failure rate must be a number.' });
    expect(ruleInputFrom(form([['name', 'x'], ['kind', 'run_failed'], ['statuses', 'Errored']]))).toMatchObject({ error: expect.stringContaining('Add at least one destination') });
  });
});
