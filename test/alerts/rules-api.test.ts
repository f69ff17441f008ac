import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import type { AlertRecord, AlertRule, CreatedApiKey, Page, StartResult } from '../../src/index.js';
import { insertAlert } from '../../src/store/alerts.js';
import { rows } from '../helpers.js';
import { api, apiJson, clientValue, post, unique, viaClient } from '../service/api.js';

type ErrorBody = { error: { code: string; message: string } };

const hook = { type: 'webhook', url: 'https://hooks.example.com/flowflare' } as const;

async function keyWith(role: string): Promise<string> {
  const created = await post<CreatedApiKey>('/api/keys', { name: unique(role), role });
  expect(created.status).toBe(201);
  return created.body.key;
}

describe('alert rules over the API', () => {
  it('creates, lists, mutes and deletes a rule, normalising durations and names', async () => {
    const name = unique('stuck');
    const created = await post<AlertRule>('/api/alerts/rules', {
      name,
      kind: 'run_stuck',
      scope: { workflow: 'Charge_Card', metadata_key: 'tier', metadata_value: 'gold' },
      status: 'Waiting',
      after: '30 minutes',
      destinations: [hook, { type: 'email', to: 'ops@example.com' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name,
      kind: 'run_stuck',
      scope: { workflow: 'charge_card', metadata_key: 'tier', metadata_value: 'gold' },
      status: 'Waiting',
      after_ms: 30 * 60_000,
      cooldown_ms: 15 * 60_000,
      muted_until: null,
      source: 'api',
    });
    expect(created.body.id).toMatch(/^rule_[0-9a-f]{16}$/);

    const listed = await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules');
    expect(listed.body.rules.find((r) => r.id === created.body.id)).toEqual(created.body);

    const until = new Date(Date.now() + 3_600_000).toISOString();
    const muted = await apiJson<AlertRule>(`/api/alerts/rules/${created.body.id}`, { method: 'PATCH', body: JSON.stringify({ muted_until: until }) });
    expect(muted.status).toBe(200);
    expect(muted.body.muted_until).toBe(until);

    expect((await api(`/api/alerts/rules/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules')).body.rules.some((r) => r.id === created.body.id)).toBe(false);
    expect((await api(`/api/alerts/rules/${created.body.id}`, { method: 'DELETE' })).status).toBe(404);
    const audit = await rows<{ action: string }>("SELECT action FROM audit_log WHERE details LIKE ? ORDER BY id", `%${created.body.id}%`);
    expect(audit.map((a) => a.action)).toEqual(['alert_rule.create', 'alert_rule.mute', 'alert_rule.delete']);
  });

  it('names the field a kind needs and refuses unknown fields and bad destinations', async () => {
    const missing = await post<ErrorBody>('/api/alerts/rules', { name: 'x', kind: 'failure_rate', window: '1 hour', destinations: [hook] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('threshold');
    const rate = await post<ErrorBody>('/api/alerts/rules', { name: 'x', kind: 'failure_rate', threshold: 2, window: '1 hour', destinations: [hook] });
    expect(rate.body.error.message).toMatch(/threshold: .*between 0 and 1/);
    const after = await post<ErrorBody>('/api/alerts/rules', { name: 'x', kind: 'run_stuck', status: 'Running', after: 'soon', destinations: [hook] });
    expect(after.body.error.message).toContain('after:');
    const unknown = await post<ErrorBody>('/api/alerts/rules', { name: 'x', kind: 'run_failed', destinations: [hook], colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("unknown field 'colour'");
    const url = await post<ErrorBody>('/api/alerts/rules', { name: 'x', kind: 'run_failed', destinations: [{ type: 'webhook', url: 'not a url' }] });
    expect(url.body.error.message).toContain('destinations.0.url');
    const none = await post<ErrorBody>('/api/alerts/rules', { name: 'x', kind: 'run_failed', destinations: [] });
    expect(none.body.error.message).toContain('destinations');
    const mute = await apiJson<ErrorBody>('/api/alerts/rules/rule_nope', { method: 'PATCH', body: JSON.stringify({ muted_until: 'tomorrow' }) });
    expect(mute.status).toBe(400);
    expect(mute.body.error.message).toContain('muted_until');
    const query = await apiJson<ErrorBody>('/api/alerts?state=lost');
    expect(query.status).toBe(400);
    expect(query.body.error.message).toContain('state');
  });

  it('keeps rules from the service options: listed, mutable, never deleted', async () => {
    const listed = await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules');
    const fixture = listed.body.rules.find((r) => r.source === 'options');
    expect(fixture).toMatchObject({ id: 'opt_fixture_order_errored', kind: 'run_failed', statuses: ['Errored', 'Terminated'] });
    const refused = await apiJson<ErrorBody>(`/api/alerts/rules/${fixture!.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('service options');
    const muted = await apiJson<AlertRule>(`/api/alerts/rules/${fixture!.id}`, { method: 'PATCH', body: JSON.stringify({ muted_until: '2030-01-01T00:00:00Z' }) });
    expect(muted.body.muted_until).toBe('2030-01-01T00:00:00.000Z');
    const unmuted = await apiJson<AlertRule>(`/api/alerts/rules/${fixture!.id}`, { method: 'PATCH', body: JSON.stringify({ muted_until: null }) });
    expect(unmuted.body.muted_until).toBeNull();
  });

  it('gives each role what permissions.ts says: read lists, operate mutes, admin creates, deletes and sees destination URLs whole', async () => {
    const [reader, operator] = await Promise.all([keyWith('read'), keyWith('operate')]);
    expect((await api('/api/alerts/rules', { key: reader })).status).toBe(200);
    expect((await api('/api/alerts', { key: reader })).status).toBe(200);
    const body = JSON.stringify({ name: unique('r'), kind: 'run_failed', destinations: [hook] });
    expect((await api('/api/alerts/rules', { key: operator, method: 'POST', body })).status).toBe(403);
    const made = await post<AlertRule>('/api/alerts/rules', JSON.parse(body));
    const mute = JSON.stringify({ muted_until: '2031-01-01T00:00:00Z' });
    expect((await api(`/api/alerts/rules/${made.body.id}`, { key: reader, method: 'PATCH', body: mute })).status).toBe(403);
    const muted = await apiJson<AlertRule>(`/api/alerts/rules/${made.body.id}`, { key: operator, method: 'PATCH', body: mute });
    expect(muted.status).toBe(200);
    // a webhook URL holds its secret in the path: keys that do not manage rules see its origin only
    expect(muted.body.destinations).toEqual([{ type: 'webhook', url: 'https://hooks.example.com/…' }]);
    const asReader = (await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules', { key: reader })).body.rules.find((r) => r.id === made.body.id)!;
    expect(asReader.destinations).toEqual([{ type: 'webhook', url: 'https://hooks.example.com/…' }]);
    const asAdmin = (await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules')).body.rules.find((r) => r.id === made.body.id)!;
    expect(asAdmin.destinations).toEqual([hook]);
    expect((await api(`/api/alerts/rules/${made.body.id}`, { key: operator, method: 'DELETE' })).status).toBe(403);
    expect((await api(`/api/alerts/rules/${made.body.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('shows a scoped key the rules and alerts inside its scopes only, and hides the others as unknown', async () => {
    const mine = await post<AlertRule>('/api/alerts/rules', { name: unique('mine'), kind: 'run_failed', scope: { workflow: 'order' }, destinations: [hook] });
    const theirs = await post<AlertRule>('/api/alerts/rules', { name: unique('theirs'), kind: 'run_failed', scope: { workflow: 'control' }, destinations: [hook] });
    const everyRun = await post<AlertRule>('/api/alerts/rules', { name: unique('every'), kind: 'run_failed', destinations: [hook] });
    const byRef = await post<AlertRule>('/api/alerts/rules', { name: unique('by-ref'), kind: 'run_failed', scope: { ref_type: 'invoice' }, destinations: [hook] });
    const started = await post<StartResult>('/api/runs', { workflow: 'plain', ref_type: 'invoice', ref_id: unique('inv') });
    expect(started.status).toBe(201);
    const invoiceRun = started.body.workflowId;
    const fired = (rule: AlertRule, workflow: string, runId: string | null) =>
      insertAlert({ id: unique('alert'), rule, run_id: runId, workflow, summary: `${workflow} failed`, details: {}, fired_at: new Date().toISOString() });
    const alerts = [fired(mine.body, 'order', unique('run')), fired(theirs.body, 'control', unique('run')), fired(byRef.body, 'plain', invoiceRun)];
    await env.DB.batch(alerts.map((a) => env.DB.prepare(a.sql).bind(...a.params)));
    const [orderAlert, controlAlert, invoiceAlert] = alerts.map((a) => a.params[0] as string);

    const orderKey = (await post<CreatedApiKey>('/api/keys', { name: unique('order-op'), role: 'operate', scopes: { workflows: ['order'] } })).body.key;
    const rulesSeen = (await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules', { key: orderKey })).body.rules.map((r) => r.id);
    expect(rulesSeen).toContain(mine.body.id);
    for (const hidden of [theirs.body.id, everyRun.body.id, byRef.body.id]) expect(rulesSeen).not.toContain(hidden);
    const alertsSeen = (await apiJson<Page<AlertRecord>>('/api/alerts?limit=100', { key: orderKey })).body.data.map((a) => a.id);
    expect(alertsSeen).toContain(orderAlert);
    expect(alertsSeen).not.toContain(controlAlert);
    expect(alertsSeen).not.toContain(invoiceAlert);
    expect(alertsSeen.length).toBeGreaterThan(0);
    const mute = JSON.stringify({ muted_until: '2031-01-01T00:00:00Z' });
    expect((await api(`/api/alerts/rules/${mine.body.id}`, { key: orderKey, method: 'PATCH', body: mute })).status).toBe(200);
    const hiddenMute = await apiJson<ErrorBody>(`/api/alerts/rules/${theirs.body.id}`, { key: orderKey, method: 'PATCH', body: mute });
    expect(hiddenMute.status).toBe(404);
    expect(hiddenMute.body.error.message).toBe(`No alert rule '${theirs.body.id}'.`);

    const invoiceKey = (await post<CreatedApiKey>('/api/keys', { name: unique('invoice-reader'), role: 'read', scopes: { ref_types: ['invoice'] } })).body.key;
    expect((await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules', { key: invoiceKey })).body.rules.map((r) => r.id)).toEqual(
      (await apiJson<{ rules: AlertRule[] }>('/api/alerts/rules')).body.rules.filter((r) => r.scope.ref_type === 'invoice').map((r) => r.id),
    );
    expect((await apiJson<Page<AlertRecord>>('/api/alerts?limit=100', { key: invoiceKey })).body.data.map((a) => a.id)).toEqual([invoiceAlert]);
  });

  it('serves the same through the client', async () => {
    const rule = await clientValue<AlertRule>('createAlertRule', [{ name: unique('c'), kind: 'step_retries', retries: 3, destinations: [hook] }]);
    expect(rule).toMatchObject({ kind: 'step_retries', retries: 3, source: 'api' });
    const muted = await clientValue<AlertRule>('muteAlertRule', [rule.id, '2032-05-01T00:00:00.000Z']);
    expect(muted.muted_until).toBe('2032-05-01T00:00:00.000Z');
    const { rules } = await clientValue<{ rules: AlertRule[] }>('listAlertRules');
    expect(rules.map((r) => r.id)).toContain(rule.id);
    await clientValue('deleteAlertRule', [rule.id]);
    const page = await clientValue<Page<AlertRecord>>('listAlerts', [{ rule_id: rule.id }]);
    expect(page).toEqual({ data: [], next_cursor: null });
    const gone = await viaClient('deleteAlertRule', [rule.id]);
    expect(gone.error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
