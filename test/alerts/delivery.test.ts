import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import type { AlertRecord, AlertRule, AlertRuleInput, Page, StartResult } from '../../src/index.js';
import { verifyWebhookSignature } from '../../src/index.js';
import worker from '../fixtures/worker.js';
import { eventually, recordedAs, rows, waitForInstance } from '../helpers.js';
import { api, apiJson, post, unique } from '../service/api.js';
import type { Received } from './receiver.js';

const receiver = inject('alertReceiver');
const SECRET = 'test-alert-secret';

/** A receiver URL whose answers `mode` chooses (`ok`, `fail2`, `hang`), and its id for listing. */
function hook(mode: string): { url: string; id: string } {
  const id = unique('h');
  return { url: `${receiver}/hook/${mode}/${id}`, id };
}

async function received(id: string): Promise<Received[]> {
  return (await fetch(`${receiver}/received/${id}`)).json() as Promise<Received[]>;
}

async function receivedAtLeast(id: string, count: number, timeoutMs = 20_000): Promise<Received[]> {
  return eventually(async () => {
    const got = await received(id);
    return got.length >= count && got;
  }, timeoutMs);
}

async function createRule(input: AlertRuleInput): Promise<AlertRule> {
  const created = await post<AlertRule>('/api/alerts/rules', input);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

async function startPlain(refType: string, params: Record<string, unknown>): Promise<string> {
  const started = await post<StartResult>('/api/runs', { workflow: 'plain', params, ref_type: refType, ref_id: unique('r') });
  expect(started.status).toBe(201);
  return started.body.workflowId;
}

/** Starts a PLAIN run that errors at its end, and waits for the engine to say so. */
async function failedRun(refType: string): Promise<string> {
  const id = await startPlain(refType, { throwAtEnd: true });
  expect((await waitForInstance(await env.PLAIN.get(id), ['errored'])).status).toBe('errored');
  return id;
}

async function alertsOf(query: string): Promise<AlertRecord[]> {
  return (await apiJson<Page<AlertRecord>>(`/api/alerts?${query}`)).body.data;
}

async function alertIn(query: string, state: string, timeoutMs = 20_000): Promise<AlertRecord> {
  return eventually(async () => (await alertsOf(query)).find((a) => a.state === state), timeoutMs);
}

/** Runs the service's scheduled handler as the cron would, at `at`. */
async function cronAt(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at, cron: '*/5 * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('alert notifications through the Queue to a real receiver', () => {
  it('sends exactly one signed notification per failed run, to the webhook and Slack, and records its history', async () => {
    const refType = unique('pay');
    const web = hook('ok');
    const slack = hook('ok');
    const rule = await createRule({
      name: unique('failed'),
      kind: 'run_failed',
      scope: { ref_type: refType },
      destinations: [{ type: 'webhook', url: web.url }, { type: 'slack', url: slack.url }, { type: 'email', to: 'ops@example.com' }],
    });
    const id = await failedRun(refType);
    const fine = await startPlain(refType, {});
    await waitForInstance(await env.PLAIN.get(fine), ['complete']);

    const [got] = await receivedAtLeast(web.id, 1);
    const delivered = await alertIn(`run_id=${id}`, 'delivered');
    expect(delivered).toMatchObject({ rule_id: rule.id, kind: 'run_failed', run_id: id, workflow: 'plain', count: 1, attempts: 1 });
    expect(delivered.summary).toBe(`Run ${id} (plain) errored: the end is near`);
    expect(delivered.last_error).toContain('ALERT_EMAIL');
    expect(got!.headers['flowflare-id']).toBe(delivered.id);
    expect(await verifyWebhookSignature(SECRET, got!.headers, got!.body)).toBe(true);
    expect(await verifyWebhookSignature('another-secret', got!.headers, got!.body)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, got!.headers, got!.body.replace('errored', 'Errored'))).toBe(false);
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ id: delivered.id, type: 'alert', rule: { id: rule.id, kind: 'run_failed' }, run: { id, status: 'Errored', ref_type: refType } });
    expect(body.run_url).toBe(`https://service.example/#/runs/${id}`);
    const [message] = await receivedAtLeast(slack.id, 1);
    expect(JSON.parse(message!.body).text).toContain(`<https://service.example/#/runs/${id}|View run>`);

    // the completed run fired nothing; nothing more arrives for the failed one
    await recordedAs(fine, 'Completed');
    expect((await alertsOf(`rule_id=${rule.id}`)).map((a) => a.run_id)).toEqual([id]);
    expect(await received(web.id)).toHaveLength(1);
    // every state change went into the event log as an 'alert' event of the run
    const events = await rows<{ data: string; run_id: string; workflow_name: string }>("SELECT data, run_id, workflow_name FROM workflow_events WHERE kind = 'alert' AND run_id = ? ORDER BY id", id);
    expect(events.map((e) => (JSON.parse(e.data) as AlertRecord).state)).toEqual(['fired', 'delivering', 'delivered']);
    expect(events[0]).toMatchObject({ run_id: id, workflow_name: 'plain' });
  });

  it('retries with backoff while the receiver answers 500 and stops after its first success', async () => {
    const refType = unique('flaky');
    const web = hook('fail2');
    await createRule({ name: unique('retry'), kind: 'run_failed', scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const id = await failedRun(refType);
    const attempts = await receivedAtLeast(web.id, 3, 25_000);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((a) => a.headers['flowflare-id'])).size).toBe(1);
    // the wait grows: 1 s, then 2 s
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1800);
    const delivered = await alertIn(`run_id=${id}`, 'delivered');
    expect(delivered.attempts).toBe(3);
    // a retry would come within 4 s; none does
    await new Promise((r) => setTimeout(r, 4500));
    expect(await received(web.id)).toHaveLength(3);
  }, 45_000);

  it('acks a redelivered message without sending again, and drops a repeated firing of the same rule and run', async () => {
    const refType = unique('again');
    const web = hook('ok');
    await createRule({ name: unique('dup'), kind: 'run_failed', scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const id = await failedRun(refType);
    const delivered = await alertIn(`run_id=${id}`, 'delivered');
    await receivedAtLeast(web.id, 1);
    const batch = createMessageBatch('flowflare-alerts', [
      { id: 'm1', timestamp: new Date(), attempts: 2, body: { kind: 'deliver', alert_id: delivered.id } },
      { id: 'm2', timestamp: new Date(), attempts: 2, body: { kind: 'signals', signals: [{ type: 'run_ended', run_id: id, workflow: 'plain', ref_type: refType, status: 'Errored' }] } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m1', 'm2']);
    expect(result.retryMessages).toEqual([]);
    expect(await received(web.id)).toHaveLength(1);
    expect(await alertsOf(`run_id=${id}`)).toHaveLength(1);
  });

  it('fires a stuck-run rule once when the scheduled maintenance runs past its duration', async () => {
    const refType = unique('stuck');
    const web = hook('ok');
    const rule = await createRule({ name: unique('stuck'), kind: 'run_stuck', status: 'Waiting', after: '30 minutes', scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const id = await startPlain(refType, { waitFor: 'approval' });
    // the local engine reports a run in waitForEvent as running; its record says Waiting
    await recordedAs(id, 'Waiting');
    const now = Date.now();
    await cronAt(now + 5 * 60_000);
    expect(await alertsOf(`rule_id=${rule.id}`)).toEqual([]);
    await cronAt(now + 31 * 60_000);
    await cronAt(now + 120 * 60_000);
    const [alert] = await receivedAtLeast(web.id, 1);
    expect(JSON.parse(alert!.body).alert.summary).toMatch(new RegExp(`^Run ${id} \\(plain\\) has been Waiting since .*, longer than 30 min$`));
    expect(await alertIn(`rule_id=${rule.id}`, 'delivered')).toMatchObject({ run_id: id, kind: 'run_stuck' });
    expect(await alertsOf(`rule_id=${rule.id}`)).toHaveLength(1);
    expect(await received(web.id)).toHaveLength(1);
    await (await env.PLAIN.get(id)).terminate();
  });

  it('folds a storm of failures within the cooldown into the first notification and one summary', async () => {
    const refType = unique('storm');
    const web = hook('ok');
    const rule = await createRule({ name: unique('storm'), kind: 'run_failed', cooldown: '10 seconds', scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const storm = 12;
    const ids = await Promise.all(Array.from({ length: storm }, () => startPlain(refType, { throwAtEnd: true })));
    await Promise.all(ids.map(async (id) => waitForInstance(await env.PLAIN.get(id), ['errored'], 30_000)));
    const [first, summary] = await receivedAtLeast(web.id, 2, 30_000);
    const firstBody = JSON.parse(first!.body);
    const summaryBody = JSON.parse(summary!.body);
    expect(firstBody.alert.count).toBe(1);
    expect(summaryBody.alert.count).toBe(storm - 1);
    expect(summaryBody.alert.summary).toMatch(new RegExp(`^Rule '${rule.name}': ${storm - 1} more firing\\(s\\) during its cooldown; latest: Run .* errored: the end is near$`));
    expect(summary!.at - first!.at).toBeGreaterThanOrEqual(5_000);
    const history = await alertsOf(`rule_id=${rule.id}`);
    expect(history.map((a) => a.count).sort((a, b) => a - b)).toEqual([1, storm - 1]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(web.id)).toHaveLength(2);
  }, 60_000);

  it('fires a step-retries rule once for a step retried more than its limit', async () => {
    const refType = unique('retries');
    const web = hook('ok');
    const rule = await createRule({ name: unique('retries'), kind: 'step_retries', retries: 2, scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const id = await startPlain(refType, { failTimes: 3 });
    await waitForInstance(await env.PLAIN.get(id), ['complete']);
    const [got] = await receivedAtLeast(web.id, 1);
    expect(JSON.parse(got!.body).alert.summary).toBe(`Step 'flaky' of run ${id} (plain) was retried 3 times (more than 2)`);
    await recordedAs(id, 'Completed');
    expect(await alertsOf(`rule_id=${rule.id}`)).toHaveLength(1);
  });

  it('fires a failure-rate rule from its own counters when the window crosses the threshold', async () => {
    const refType = unique('rate');
    const web = hook('ok');
    const rule = await createRule({ name: unique('rate'), kind: 'failure_rate', threshold: 0.5, window: '1 hour', min_runs: 3, scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const ok = await startPlain(refType, {});
    await waitForInstance(await env.PLAIN.get(ok), ['complete']);
    await recordedAs(ok, 'Completed');
    await failedRun(refType);
    const last = await failedRun(refType);
    await recordedAs(last, 'Errored');
    const [got] = await receivedAtLeast(web.id, 1);
    const body = JSON.parse(got!.body);
    expect(body.alert.summary).toBe('Failure rate 67% (2 of 3 runs) over 1 h is above 50%');
    expect(body.details.window).toMatchObject({ runs: 3, failed: 2 });
    expect(await alertsOf(`rule_id=${rule.id}`)).toHaveLength(1);
  });

  it('fires a p95-duration rule when the window\'s p95, within 2% of the recorded durations, passes the threshold', async () => {
    const refType = unique('p95');
    const web = hook('ok');
    const rule = await createRule({ name: unique('p95'), kind: 'p95_duration', threshold: 400, window: '1 hour', min_runs: 3, scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const ids = [await startPlain(refType, {}), await startPlain(refType, { sleepMs: 600 }), await startPlain(refType, { sleepMs: 900 })];
    for (const id of ids) await waitForInstance(await env.PLAIN.get(id), ['complete']);
    for (const id of ids) await recordedAs(id, 'Completed');
    const [got] = await receivedAtLeast(web.id, 1);
    const body = JSON.parse(got!.body);
    const recorded = await rows<{ started_at: string; completed_at: string }>(
      `SELECT started_at, completed_at FROM workflow_runs WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ...ids,
    );
    const durations = recorded.map((r) => Date.parse(r.completed_at) - Date.parse(r.started_at)).sort((a, b) => a - b);
    // the value of rank floor(0.95 · (n − 1)), as GET /api/metrics defines its percentiles
    const exact = durations[Math.floor(0.95 * (durations.length - 1))]!;
    expect(exact).toBeGreaterThan(400);
    expect(body.details.window.runs).toBe(3);
    expect(Math.abs(body.details.window.p95_ms - exact) / exact).toBeLessThanOrEqual(0.02 + 1 / exact);
    expect(body.alert.summary).toBe(`p95 duration ${body.details.window.p95_ms} ms of 3 runs over 1 h is above 400 ms`);
    expect(await alertsOf(`rule_id=${rule.id}`)).toHaveLength(1);
  });

  it('never makes tracking wait for a receiver that does not answer', async () => {
    const refType = unique('hang');
    const web = hook('hang');
    const rule = await createRule({ name: unique('hang'), kind: 'run_failed', scope: { ref_type: refType }, destinations: [{ type: 'webhook', url: web.url }] });
    const first = await failedRun(refType);
    await receivedAtLeast(web.id, 1);
    // while the notification hangs unanswered, a second run fails and its record lands as the engine says
    const second = await failedRun(refType);
    await recordedAs(second, 'Errored');
    const inFlight = await received(web.id);
    expect(inFlight.some((r) => r.status === 0)).toBe(true);
    const [record] = await rows<{ status: string; error: string }>('SELECT status, error FROM workflow_runs WHERE id = ?', second);
    expect(record).toMatchObject({ status: 'Errored' });
    expect(JSON.parse(record!.error).message).toBe('the end is near');
    const failing = await alertIn(`run_id=${first}`, 'delivering');
    expect(failing.rule_id).toBe(rule.id);
    await eventually(async () => (await alertsOf(`run_id=${first}`))[0]?.last_error?.includes('no answer within 2000 ms'));
    // deleting the rule ends the retries: the alert is marked failed
    expect((await api(`/api/alerts/rules/${rule.id}`, { method: 'DELETE' })).status).toBe(204);
    await alertIn(`run_id=${first}`, 'failed', 30_000);
  }, 60_000);
});
