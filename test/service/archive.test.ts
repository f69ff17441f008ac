import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { StartResult } from '../../src/index.js';
import { readArchive, type ArchiveManifest } from '../../src/service/archive.js';
import { restoreStatements, type ArchivedRun } from '../../src/store/archive.js';
import { prepareAll } from '../../src/store/statement.js';
import worker from '../fixtures/worker.js';
import { followedToEnd } from '../helpers.js';
import { api, post, unique } from './api.js';

const DAY = 86_400_000;

async function cronAt(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: '*/15 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Everything recorded of some runs, as rows without the ids a restore gives anew, in a stable order. */
async function snapshot(db: D1Database, ids: string[]): Promise<Record<string, unknown[]>> {
  const list = JSON.stringify(ids);
  const read = async (query: string) => (await db.prepare(query).bind(list).all()).results;
  const strip = (rows: Record<string, unknown>[], ...keys: string[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k))));
  return {
    runs: strip(await read('SELECT * FROM workflow_runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id'), 'workflow_id'),
    steps: strip(await read('SELECT * FROM workflow_steps WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, step_number, step_name, step_count'), 'id'),
    attempts: strip(await read('SELECT * FROM workflow_step_retries WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, step_name, step_count, attempt'), 'id'),
    metadata: await read('SELECT * FROM workflow_run_metadata WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, key'),
    workflows: strip(
      await read('SELECT * FROM workflow WHERE id IN (SELECT workflow_id FROM workflow_runs WHERE id IN (SELECT value FROM json_each(?))) ORDER BY name, ref_id'),
      'id',
      'updated_at',
    ),
  };
}

async function exported(query: string): Promise<ArchivedRun[]> {
  const response = await api(`/api/export?${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/x-ndjson');
  return (await response.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ArchivedRun);
}

describe('export, archive and restore: runs come back field by field', () => {
  it('an export restored into an empty database, and an R2 archive restored after retention deleted the runs, equal the originals', async () => {
    const refId = unique('arc');
    const ids: string[] = [];
    for (const params of [{}, { failTimes: 2 }, { sleepMs: 10 }]) {
      const started = await post<StartResult>('/api/runs', { workflow: 'plain', params, ref_type: 'archive', ref_id: refId, metadata: { team: 'billing', n: 3 } });
      expect(started.status).toBe(201);
      ids.push(started.body.workflowId);
    }
    for (const id of ids) await followedToEnd(id);
    const original = await snapshot(env.DB, ids);
    expect(original.runs).toHaveLength(3);
    expect(original.attempts!.length).toBeGreaterThanOrEqual(3 + 2);
    expect(original.metadata).toHaveLength(6);

    // 1. export → an empty database
    const lines = await exported(`ref_type=archive&ref_id=${refId}`);
    expect(lines.map((l) => l.run.id).sort()).toEqual([...ids].sort());
    await env.RESTORE_DB.batch(prepareAll(env.RESTORE_DB, lines.flatMap(restoreStatements)));
    expect(await snapshot(env.RESTORE_DB, ids)).toEqual(original);

    // 2. retention archives them to R2 and deletes them; the archive restores them through the API
    await cronAt(Date.now() + 91 * DAY);
    expect((await api(`/api/runs/${ids[0]}`)).status).toBe(404);
    const listed = await env.ARCHIVE.list({ prefix: 'flowflare/runs/' });
    const archived = (await Promise.all(listed.objects.map((o) => readArchive(env.ARCHIVE, o.key)))).flat().filter((r) => ids.includes(r.run.id));
    expect(archived.map((r) => r.run.id).sort()).toEqual([...ids].sort());
    // the files are partitioned by the day the runs ended, and each day's manifest lists its files
    const day = archived[0]!.run.updated_at.slice(0, 10);
    expect(listed.objects.some((o) => o.key.startsWith(`flowflare/runs/date=${day}/completed-`) && o.key.endsWith('.ndjson.gz'))).toBe(true);
    const manifest = (await (await env.ARCHIVE.get(`flowflare/manifest/date=${day}.json`))!.json()) as ArchiveManifest;
    expect(manifest.files.reduce((n, f) => n + f.runs, 0)).toBeGreaterThanOrEqual(3);

    const ndjson = archived.map((r) => JSON.stringify(r)).join('\n');
    const restored = await api('/api/import', { method: 'POST', body: ndjson, headers: { 'Content-Type': 'application/x-ndjson' } });
    expect(await restored.json()).toEqual({ runs: 3, restored: 3, skipped: 0 });
    expect(await snapshot(env.DB, ids)).toEqual(original);
    // the import is in the audit trail, with what it did
    const audit = (await (await api('/api/audit?action=import&limit=5')).json()) as { data: { actor: string; details: unknown }[] };
    expect(audit.data[0]).toMatchObject({ actor: 'SERVICE_API_KEY', details: { runs: 3, restored: 3, skipped: 0 } });
    // restoring again changes nothing
    const again = await api('/api/import', { method: 'POST', body: ndjson });
    expect(await again.json()).toEqual({ runs: 3, restored: 0, skipped: 3 });
    expect(await snapshot(env.DB, ids)).toEqual(original);
  });

  it('refuses an import line that is not an archived run, naming the line; a read key cannot import', async () => {
    const bad = await api('/api/import', { method: 'POST', body: '{"format":"flowflare.run.v1","run":{}}\n' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('line 1');
    const reader = await post<{ key: string }>('/api/keys', { name: unique('r'), role: 'read' });
    expect((await api('/api/import', { method: 'POST', body: '', key: reader.body.key })).status).toBe(403);
  });
});
