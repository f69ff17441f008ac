import type { AlertRecord, AlertRule, AlertRuleInput, AlertState } from '../../shared/alerts.js';
import type { Page } from '../../shared/api.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { nowIso } from '../../ingest/serialize.js';
import { forgetRules, syncOptionsRules } from '../../alerts/registry.js';
import { normaliseRule } from '../../alerts/rules.js';
import { alertListQuerySchema, alertRuleInputSchema, muteRuleSchema } from '../../alerts/schemas.js';
import { auditStatement } from '../../store/audit.js';
import { writeBatch } from '../../store/batch.js';
import { deleteRule, getRuleRow, insertRule, listAlertRows, listRuleRows, muteRule, toAlert, toAlertRule, type AlertRuleRow } from '../../store/alerts.js';
import { randomHex } from '../access.js';
import { readJson, readQuery } from '../body.js';
import { callerOf, json, param, type RouteContext, type ServiceRouter } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { DEFAULT_PAGE_SIZE } from '../schemas.js';
import { serviceDb } from '../storage.js';

async function existingRule(db: D1Database, id: string): Promise<AlertRuleRow> {
  const row = await getRuleRow(db, id);
  if (!row) throw new NotFoundError(`No alert rule '${id}'.`);
  return row;
}

/**
 * `GET/POST /api/alerts/rules`, `PATCH/DELETE /api/alerts/rules/:id` (rules from the options can be
 * muted, not deleted) and `GET /api/alerts` (the alert history, newest first).
 */
export function alertRoutes(router: ServiceRouter, { options }: RouteContext): void {
  router.get('/alerts/rules', async (_request, env) => {
    const db = serviceDb(env);
    await syncOptionsRules(db, options.alerts);
    const body: { rules: AlertRule[] } = { rules: (await listRuleRows(db)).map(toAlertRule) };
    return json(body);
  });

  router.post('/alerts/rules', async (request, env) => {
    const where = 'POST /api/alerts/rules';
    const input = (await readJson(request, alertRuleInputSchema, options.maxBodyBytes, where)) as AlertRuleInput;
    const now = nowIso();
    const id = `rule_${randomHex(8)}`;
    const rule = normaliseRule(input, { id, source: 'api', created_at: now, muted_until: null }, where);
    const audit = auditStatement(callerOf(request), { action: 'alert_rule.create', details: { rule_id: id, name: rule.name, kind: rule.kind } }, now);
    const written = await writeBatch(serviceDb(env), [insertRule(rule, now), audit]);
    forgetRules();
    return json(toAlertRule(written.results[0]!.results[0] as unknown as AlertRuleRow), 201);
  });

  router.patch('/alerts/rules/:id', async (request, env) => {
    const id = param(request, 'id');
    const { muted_until } = await readJson(request, muteRuleSchema, options.maxBodyBytes, `PATCH /api/alerts/rules/${id}`);
    const db = serviceDb(env);
    await syncOptionsRules(db, options.alerts);
    await existingRule(db, id);
    const now = nowIso();
    const until = muted_until === null ? null : new Date(muted_until).toISOString();
    const audit = auditStatement(callerOf(request), { action: until ? 'alert_rule.mute' : 'alert_rule.unmute', details: { rule_id: id, muted_until: until } }, now);
    const written = await writeBatch(db, [muteRule(id, until, now), audit]);
    forgetRules();
    return json(toAlertRule(written.results[0]!.results[0] as unknown as AlertRuleRow));
  });

  router.delete('/alerts/rules/:id', async (request, env) => {
    const id = param(request, 'id');
    const db = serviceDb(env);
    await syncOptionsRules(db, options.alerts);
    const row = await existingRule(db, id);
    if (row.source === 'options') throw new ConflictError(`Alert rule '${id}' comes from the service options: remove it there, or mute it.`);
    const now = nowIso();
    await writeBatch(db, [...deleteRule(id), auditStatement(callerOf(request), { action: 'alert_rule.delete', details: { rule_id: id, name: row.name } }, now)]);
    forgetRules();
    return new Response(null, { status: 204 });
  });

  router.get('/alerts', async (request, env) => {
    const q = readQuery(request, alertListQuerySchema, 'GET /api/alerts');
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'string');
    const page = await listAlertRows(serviceDb(env), { rule_id: q.rule_id, run_id: q.run_id, state: q.state as AlertState | undefined }, limit, after);
    const body: Page<AlertRecord> = { data: page.rows.map(toAlert), next_cursor: page.next ? encodeCursor(page.next) : null };
    return json(body);
  });
}
