import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/store/batch.js';
import {
  countRunsStatement,
  explainQueryPlan,
  runsPageStatement,
  workflowsByRefStatement,
  workflowsPageStatement,
  type RunFilters,
} from '../../src/store/queries.js';
import { runTransition } from '../../src/ingest/transitions.js';
import type { ByRefResult, Page, RunRecord, StatusCounts, WorkflowRecord } from '../../src/index.js';
import { apiJson, clientValue, unique, viaClient } from './api.js';

const NAME = unique('report');
const OTHER = unique('digest');
const STATUSES = ['Completed', 'Errored', 'Running'] as const;

/** 30 runs of NAME (10 per status, two refs, metadata source a/b) and 5 of OTHER, one minute apart. */
beforeAll(async () => {
  const base = Date.parse('2030-01-01T00:00:00.000Z');
  const statements = [];
  for (let i = 0; i < 35; i++) {
    const name = i < 30 ? NAME : OTHER;
    const ref = { ref_type: 'account', ref_id: `${name}-acct-${i % 2}` };
    const now = new Date(base + i * 60_000).toISOString();
    const metadata = JSON.stringify({ source: i % 3 === 0 ? 'a' : 'b', batch: i % 5, vip: i === 7 });
    statements.push(
      ...runTransition({
        runId: `${name}-run-${String(i).padStart(2, '0')}`,
        workflow: { identity: { name, ...ref }, metadata },
        fields: { status: STATUSES[i % 3], ...ref, metadata },
        now,
      }),
    );
  }
  await runBatch(env.DB, statements);
});

async function listRuns(query: string): Promise<Page<RunRecord>> {
  const { status, body } = await apiJson<Page<RunRecord>>(`/api/runs?${query}`);
  expect(status).toBe(200);
  return body;
}

describe('listing runs', () => {
  it('filters by name, status, ref, time range and a metadata key/value', async () => {
    expect((await listRuns(`workflow=${NAME}&limit=100`)).data).toHaveLength(30);
    const completed = await listRuns(`workflow=${NAME}&status=completed&limit=100`);
    expect(completed.data).toHaveLength(10);
    expect(completed.data.every((r) => r.status === 'Completed')).toBe(true);
    const byRef = await listRuns(`ref_type=account&ref_id=${NAME}-acct-1&limit=100`);
    expect(byRef.data).toHaveLength(15);
    const window = await listRuns(`workflow=${NAME}&since=2030-01-01T00:10:00.000Z&until=2030-01-01T00:20:00.000Z&limit=100`);
    expect(window.data.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, k) => `${NAME}-run-${19 - k}`));
    // the same window written with an offset, without seconds, and as epoch milliseconds
    const offset = await listRuns(`workflow=${NAME}&since=2030-01-01T01:10%2B01:00&until=${Date.parse('2030-01-01T00:20:00.000Z')}&limit=100`);
    expect(offset.data.map((r) => r.id)).toEqual(window.data.map((r) => r.id));
    const meta = await listRuns(`workflow=${NAME}&metadata_key=source&metadata_value=a&limit=100`);
    expect(meta.data).toHaveLength(10);
    expect(meta.data.every((r) => r.metadata?.source === 'a')).toBe(true);
    const vip = await listRuns(`metadata_key=vip&metadata_value=true`);
    expect(vip.data.map((r) => r.id)).toContain(`${NAME}-run-07`);
    const numeric = await listRuns(`workflow=${OTHER}&metadata_key=batch&metadata_value=3`);
    expect(numeric.data.map((r) => r.id)).toEqual([`${OTHER}-run-33`]);
  });

  it('pages newest first with a keyset cursor, no gap and no repeat', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page<RunRecord> = await listRuns(`workflow=${NAME}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((r) => r.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, k) => `${NAME}-run-${String(29 - k).padStart(2, '0')}`));
  });

  it('the client iterates every page', async () => {
    const all = await clientValue<RunRecord[]>('iterateRuns', [{ workflow: NAME, status: 'Errored', limit: 3 }], { collect: true });
    expect(all).toHaveLength(10);
    expect(new Set(all.map((r) => r.id)).size).toBe(10);
    const workflows = await clientValue<WorkflowRecord[]>('iterateWorkflows', [{ ref_type: 'account', limit: 1 }], { collect: true });
    expect(workflows.filter((w) => w.name === NAME)).toHaveLength(2);
  });
});

describe('listing workflows', () => {
  it('filters by name, ref, status and metadata', async () => {
    const { body } = await apiJson<Page<WorkflowRecord>>(`/api/workflows?workflow=${NAME}`);
    expect(body.data.map((w) => w.ref_id).sort()).toEqual([`${NAME}-acct-0`, `${NAME}-acct-1`]);
    expect(body.data.every((w) => w.run_count === 15)).toBe(true);
    const byRef = await clientValue<Page<WorkflowRecord>>('listWorkflows', [{ ref_type: 'account', ref_id: `${OTHER}-acct-0` }]);
    expect(byRef.data.map((w) => w.name)).toEqual([OTHER]);
    // The workflow's status is its latest run's: run 29 (Completed? 29 % 3 = 2 → Running).
    const running = await apiJson<Page<WorkflowRecord>>(`/api/workflows?status=Running&workflow=${NAME}`);
    expect(running.body.data.map((w) => w.ref_id)).toEqual([`${NAME}-acct-1`]);
    const meta = await apiJson<Page<WorkflowRecord>>(`/api/workflows?metadata_key=batch&metadata_value=4&limit=100`);
    // Workflow metadata merges every run's: the last writer of 'batch' wins (runs 28 and 29 → 3 and 4).
    expect(meta.body.data.map((w) => `${w.name}/${w.ref_id}`)).toContain(`${NAME}/${NAME}-acct-1`);
  });

  it('pages with a cursor', async () => {
    const first = await apiJson<Page<WorkflowRecord>>(`/api/workflows?workflow=${NAME}&limit=1`);
    expect(first.body.data).toHaveLength(1);
    const second = await apiJson<Page<WorkflowRecord>>(`/api/workflows?workflow=${NAME}&limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.data[0]?.id).not.toBe(first.body.data[0]?.id);
    expect(second.body.next_cursor).toBeNull();
  });
});

describe('workflows by ref and counts', () => {
  it('getWorkflowsByRef returns the workflows of the object and its newest runs', async () => {
    const result = await clientValue<ByRefResult>('getWorkflowsByRef', [{ ref_type: 'account', ref_id: `${NAME}-acct-0`, limit: 5 }]);
    expect(result.workflows.map((w) => w.name)).toEqual([NAME]);
    expect(result.runs.map((r) => r.id)).toEqual([28, 26, 24, 22, 20].map((n) => `${NAME}-run-${n}`));
    expect(result.next_cursor).toBeTruthy();
    const missing = await viaClient('getWorkflowsByRef', [{ ref_type: 'account' }]);
    expect(missing.error).toMatchObject({ name: 'FlowflareError', code: 'VALIDATION_FAILED', status: 400 });
  });

  it('counts runs by status, with filters', async () => {
    const { body } = await apiJson<StatusCounts>(`/api/runs/counts?workflow=${NAME}`);
    expect(body.total).toBe(30);
    expect(body.counts).toMatchObject({ Completed: 10, Errored: 10, Running: 10, Queued: 0, Paused: 0 });
    const viaRef = await clientValue<StatusCounts>('countRuns', [{ ref_type: 'account', ref_id: `${NAME}-acct-0` }]);
    expect(viaRef.total).toBe(15);
    const viaMeta = await clientValue<StatusCounts>('countRuns', [{ workflow: NAME, metadata_key: 'source', metadata_value: 'a' }]);
    expect(viaMeta.total).toBe(10);
    expect(viaMeta.counts.Completed).toBe(10);
  });
});

describe('every list and lookup is served by an index', () => {
  const after = { at: '2030-01-01T00:10:00.000Z', id: 'x' };
  const runShapes: [string, RunFilters][] = [
    ['newest', {}],
    ['by name', { workflow_name: 'n' }],
    ['by status', { status: 'Running' }],
    ['by name and status', { workflow_name: 'n', status: 'Running' }],
    ['by ref', { ref_type: 't', ref_id: 'i' }],
    ['by ref type', { ref_type: 't' }],
    ['by metadata', { metadata: { key: 'k', value: 'v' } }],
    ['by time range', { since: '2030-01-01T00:00:00.000Z', until: '2030-02-01T00:00:00.000Z' }],
    ['by name, status, ref and time', { workflow_name: 'n', status: 'Running', ref_type: 't', ref_id: 'i', since: '2030-01-01T00:00:00.000Z' }],
  ];

  function assertIndexed(plan: string[], what: string) {
    const text = plan.join(' | ');
    // A SCAN of a table without an index, or a bare SCAN of runs/steps, would read every row.
    expect(text, what).not.toMatch(/SCAN (workflow_runs|workflow_steps|workflow_step_retries|workflow|r|w|m)( |$)(?!USING)/);
    expect(text, what).toMatch(/USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY/);
  }

  it.each(runShapes)('runs %s, first page and a later page', async (_label, filters) => {
    for (const statement of [runsPageStatement(filters, 25), runsPageStatement(filters, 25, after)]) {
      const plan = await explainQueryPlan(env.DB, statement);
      assertIndexed(plan, `${_label}: ${plan.join(' | ')}`);
      expect(plan.join(' '), `${_label} sorts without a temp b-tree`).not.toMatch(/TEMP B-TREE/);
    }
  });

  it.each(runShapes)('workflows %s', async (_label, filters) => {
    const plan = await explainQueryPlan(env.DB, workflowsPageStatement(filters, 25, { at: after.at, id: 3 }));
    assertIndexed(plan, `${_label}: ${plan.join(' | ')}`);
  });

  it('a page after a cursor seeks in the index instead of reading from the start', async () => {
    const plan = await explainQueryPlan(env.DB, runsPageStatement({ status: 'Running' }, 25, after));
    expect(plan.join(' ')).toMatch(/SEARCH r USING INDEX runs_by_status \(status=\? AND \(created_at,id\)<\(\?,\?\)\)/);
  });

  it('counts, workflows by ref, run detail and idempotency lookups', async () => {
    for (const filters of [{}, { workflow_name: 'n' }, { ref_type: 't', ref_id: 'i' }, { metadata: { key: 'k', value: 'v' } }]) {
      const plan = await explainQueryPlan(env.DB, countRunsStatement(filters, ['Running', 'Completed']));
      assertIndexed(plan, plan.join(' | '));
      expect(plan.join(' ')).not.toMatch(/SCAN r\b/);
    }
    assertIndexed(await explainQueryPlan(env.DB, workflowsByRefStatement('t', 'i', 100)), 'by ref');
    for (const [sql, params] of [
      ['SELECT * FROM workflow_runs WHERE id = ?', ['x']],
      ['SELECT * FROM workflow_steps WHERE run_id = ? ORDER BY step_number, id', ['x']],
      ['SELECT * FROM workflow_step_retries WHERE run_id = ? ORDER BY step_name, step_count, attempt', ['x']],
      ['SELECT * FROM workflow_runs WHERE workflow_name = ? AND idempotency_key = ?', ['n', 'k']],
    ] as const) {
      const plan = await explainQueryPlan(env.DB, { sql, params });
      assertIndexed(plan, `${sql}: ${plan.join(' | ')}`);
    }
  });
});
