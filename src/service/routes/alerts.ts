import type { AlertRecord, AlertRule, AlertRuleInput, AlertState } from '../../shared/alerts.js';
import type { KeyScopes, Role } from '../../shared/access.js';
import type { Page } from '../../shared/api.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { nowIso } from '../../ingest/serialize.js';
import { forgetRules, syncOptionsRules } from '../../alerts/registry.js';
import { normaliseRule } from '../../alerts/rules.js';
import { auditStatement } from '../../store/audit.js';
import { writeBatch } from '../../store/batch.js';
import { deleteRule, getRuleRow, insertRule, listAlertRows, listRuleRows, muteRule, toAlert, toAlertRule, type AlertRuleRow } from '../../store/alerts.js';
import { randomHex } from '../access.js';
import { callerOf, json, param, type RouteContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { RouteHandlers } from '../route-table.js';
import { DEFAULT_PAGE_SIZE } from '../../shared/page-size.js';
import { serviceDb } from '../storage.js';

/**
 * Whether a key with these scopes sees a rule: one scoped to workflows sees the rules of one of
 * them, one scoped to `ref_type`s the rules of one of those (a rule over every run is for unscoped
 * keys only, as its alerts may be about runs the key may not see).
 */
function ruleVisible(rule: AlertRule, scopes: KeyScopes | null): boolean {
  if (!scopes) return true;
  if (scopes.workflows && !(rule.scope.workflow !== undefined && scopes.workflows.includes(rule.scope.workflow))) return false;
  if (scopes.ref_types && !(rule.scope.ref_type !== undefined && scopes.ref_types.includes(rule.scope.ref_type))) return false;
  return true;
}

/**
 * A rule as a key sees it: webhook and Slack URLs carry their secret in the path, so only admin
 * keys (who manage rules) see them whole; others see the origin (`https://hooks.slack.com/…`).
 */
function asSeenBy(rule: AlertRule, role: Role): AlertRule {
  if (role === 'admin') return rule;
  return { ...rule, destinations: rule.destinations.map((d) => (d.type === 'email' ? d : { ...d, url: `${new URL(d.url).origin}/…` })) };
}

/** The rule, if it exists and the key may see it; else a 404 (as if it did not exist). */
async function existingRule(db: D1Database, id: string, scopes: KeyScopes | null): Promise<AlertRuleRow> {
  const row = await getRuleRow(db, id);
  if (!row || !ruleVisible(toAlertRule(row), scopes)) throw new NotFoundError(`No alert rule '${id}'.`);
  return row;
}

/**
 * `GET/POST /api/alerts/rules`, `PATCH/DELETE /api/alerts/rules/:id` (rules from the options can be
 * muted, not deleted) and `GET /api/alerts` (the alert history, newest first). A scoped key sees
 * the rules and alerts inside its scopes only; only admin keys see destination URLs whole.
 */
export function alertHandlers({ options }: RouteContext): Pick<RouteHandlers, 'listAlertRules' | 'createAlertRule' | 'muteAlertRule' | 'deleteAlertRule' | 'listAlerts'> {
  return {
    listAlertRules: async ({ request, env }) => {
      const db = serviceDb(env);
      await syncOptionsRules(db, options.alerts);
      const { scopes, role } = callerOf(request);
      const visible = (await listRuleRows(db)).map(toAlertRule).filter((rule) => ruleVisible(rule, scopes));
      const body: { rules: AlertRule[] } = { rules: visible.map((rule) => asSeenBy(rule, role)) };
      return json(body);
    },

    createAlertRule: async ({ request, env, body: input }) => {
      const now = nowIso();
      const id = `rule_${randomHex(8)}`;
      const rule = normaliseRule(input as AlertRuleInput, { id, source: 'api', created_at: now, muted_until: null }, 'POST /api/alerts/rules');
      const audit = auditStatement(callerOf(request), { action: 'alert_rule.create', details: { rule_id: id, name: rule.name, kind: rule.kind } }, now);
      const written = await writeBatch(serviceDb(env), [insertRule(rule, now), audit]);
      forgetRules();
      return json(toAlertRule(written.results[0]!.results[0] as unknown as AlertRuleRow), 201);
    },

    muteAlertRule: async ({ request, env, body: { muted_until } }) => {
      const id = param(request, 'id');
      const db = serviceDb(env);
      await syncOptionsRules(db, options.alerts);
      await existingRule(db, id, callerOf(request).scopes);
      const now = nowIso();
      const until = muted_until === null ? null : new Date(muted_until).toISOString();
      const audit = auditStatement(callerOf(request), { action: until ? 'alert_rule.mute' : 'alert_rule.unmute', details: { rule_id: id, muted_until: until } }, now);
      const written = await writeBatch(db, [muteRule(id, until, now), audit]);
      forgetRules();
      return json(asSeenBy(toAlertRule(written.results[0]!.results[0] as unknown as AlertRuleRow), callerOf(request).role));
    },

    deleteAlertRule: async ({ request, env }) => {
      const id = param(request, 'id');
      const db = serviceDb(env);
      await syncOptionsRules(db, options.alerts);
      const row = await existingRule(db, id, callerOf(request).scopes);
      if (row.source === 'options') throw new ConflictError(`Alert rule '${id}' comes from the service options: remove it there, or mute it.`);
      const now = nowIso();
      await writeBatch(db, [...deleteRule(id), auditStatement(callerOf(request), { action: 'alert_rule.delete', details: { rule_id: id, name: row.name } }, now)]);
      forgetRules();
      return new Response(null, { status: 204 });
    },

    listAlerts: async ({ request, env, query: q }) => {
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'string');
      const filters = { rule_id: q.rule_id, run_id: q.run_id, state: q.state as AlertState | undefined, within: callerOf(request).scopes ?? undefined };
      const page = await listAlertRows(serviceDb(env), filters, limit, after);
      const body: Page<AlertRecord> = { data: page.rows.map(toAlert), next_cursor: page.next ? encodeCursor(page.next) : null };
      return json(body);
    },
  };
}
