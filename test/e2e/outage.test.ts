import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowClient, type RunDetailResult } from '../../src/client/index.js';
// @ts-expect-error: plain JavaScript helper shared with `npm run demo`
import { applyLocalMigrations, freePort, startWranglerDev } from '../../scripts/lib/local-wrangler.mjs';
import { EXAMPLES } from './support/paths.js';

const KEY = 'e2e-outage-key';
let state: string;
let service: { url: string; stop: () => Promise<void> };
let client: WorkflowClient;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'flowflare-outage-'));
  await applyLocalMigrations({ cwd: EXAMPLES, stateDir: state });
  service = await startWranglerDev({ cwd: EXAMPLES, port: await freePort(), stateDir: state, vars: { SERVICE_API_KEY: KEY }, apiKey: KEY });
  client = new WorkflowClient({ baseUrl: service.url, apiKey: KEY });
}, 90_000);

afterAll(async () => {
  await service?.stop();
  rmSync(state, { recursive: true, force: true });
});

/** The local D1 database file wrangler dev keeps the service's records in. */
function d1File(): string {
  const dir = join(state, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (!file) throw new Error(`no D1 database in ${dir}`);
  return join(dir, file);
}

/** Holds a write lock on the D1 file for `ms`: every D1 writer of the service fails meanwhile. */
async function lockD1(ms: number): Promise<void> {
  // the service may be writing at this moment: wait for its transaction, then take the lock
  const db = new DatabaseSync(d1File(), { timeout: 5000 });
  db.exec('BEGIN IMMEDIATE');
  await new Promise((resolve) => setTimeout(resolve, ms));
  db.exec('ROLLBACK');
  db.close();
}

async function settled(id: string, timeoutMs: number): Promise<RunDetailResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client.getRun(id);
    if (run.status === 'Completed' || Date.now() > deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a D1 outage while runs are in flight', () => {
  it('loses nothing: every run the engine finished during an 8 s write lock is recorded in full afterwards', async () => {
    const starts = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) =>
        client.startWorkflow('email_campaign', { recipients: ['a@example.com', 'b@example.com'], subject: `s${i}`, body: 'b' }, `outage-${i}`, 'campaign'),
      ),
      ...Array.from({ length: 5 }, (_, i) => client.startWorkflow('order', { items: [{ sku: 'x', quantity: 1 }], failPayments: 0 }, `outage-order-${i}`, 'order')),
    ]);
    // the runs are in flight: lock D1 before they can finish, and hold it past their end
    await lockD1(8000);

    for (const start of starts) {
      const run = await settled(start.workflowId, 60_000);
      expect(run.status, `${run.workflow_name} ${run.id}`).toBe('Completed');
      expect(run.completed_at).toBeTruthy();
      expect(run.output_result).toBeTruthy();
      expect(run.steps.length).toBeGreaterThan(0);
      expect(run.steps.every((s) => s.status === 'Completed'), JSON.stringify(run.steps.map((s) => [s.step_name, s.status]))).toBe(true);
    }
    const orders = await Promise.all(starts.slice(6).map((s) => client.getRun(s.workflowId)));
    for (const order of orders) {
      expect(order.steps.map((s) => s.step_name)).toEqual(['reserve-stock', 'charge-card', 'ship']);
      expect(order.output_result).toMatchObject({ reserved: { lines: 1 }, payment: { attempt: 1 } });
    }
    const campaigns = await Promise.all(starts.slice(0, 6).map((s) => client.getRun(s.workflowId)));
    for (const campaign of campaigns) {
      expect(campaign.steps.map((s) => s.step_name)).toEqual(['validate-recipients', 'send-emails']);
      expect(campaign.output_result).toEqual({ success: true, sent: 2 });
    }
  }, 120_000);
});
