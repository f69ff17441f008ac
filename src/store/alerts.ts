import type { AlertRecord, AlertRule, AlertState } from '../shared/alerts.js';
import { EVENT_REF_COLUMNS } from './events.js';
import type { Keyset, KeysetPage } from './queries.js';
import type { RunRow } from './rows.js';
import { sql, type SqlValue, type Statement } from './statement.js';

/** An `alert_rules` row as D1 returns it. */
export interface AlertRuleRow {
  id: string;
  source: AlertRule['source'];
  name: string;
  kind: AlertRule['kind'];
  definition: string;
  muted_until: string | null;
  created_at: string;
  updated_at: string;
}

/** The stored rule: the row's definition with the row's own columns over it. */
export function toAlertRule(row: AlertRuleRow): AlertRule {
  const definition = JSON.parse(row.definition) as AlertRule;
  return { ...definition, id: row.id, name: row.name, kind: row.kind, source: row.source, muted_until: row.muted_until, created_at: row.created_at };
}

function definitionOf(rule: AlertRule): string {
  const { id: _id, source: _source, muted_until: _muted, created_at: _created, ...definition } = rule;
  return JSON.stringify(definition);
}

/** Stores a rule created over the API. */
export function insertRule(rule: AlertRule, now: string): Statement {
  return sql(
    'INSERT INTO alert_rules (id, source, name, kind, definition, muted_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?) RETURNING *',
    rule.id,
    rule.source,
    rule.name,
    rule.kind,
    definitionOf(rule),
    rule.created_at,
    now,
  );
}

/** Stores a rule from the service options, or updates it (its mute and creation time stay). */
export function upsertOptionsRule(rule: AlertRule, now: string): Statement {
  return sql(
    `INSERT INTO alert_rules (id, source, name, kind, definition, muted_until, created_at, updated_at) VALUES (?, 'options', ?, ?, ?, NULL, ?, ?)
     ON CONFLICT (id) DO UPDATE SET source = 'options', name = excluded.name, kind = excluded.kind, definition = excluded.definition, updated_at = excluded.updated_at
     WHERE alert_rules.definition IS NOT excluded.definition OR alert_rules.source IS NOT 'options'`,
    rule.id,
    rule.name,
    rule.kind,
    definitionOf(rule),
    now,
    now,
  );
}

/** Deletes the options rules no longer in the options. */
export function deleteOptionsRulesExcept(ids: readonly string[]): Statement {
  return sql(`DELETE FROM alert_rules WHERE source = 'options' AND id NOT IN (SELECT value FROM json_each(?))`, JSON.stringify(ids));
}

/** Every rule, oldest first (a service has tens, not thousands). */
export async function listRuleRows(db: D1Database): Promise<AlertRuleRow[]> {
  return (await db.prepare('SELECT * FROM alert_rules ORDER BY created_at, id').all<AlertRuleRow>()).results;
}

/** One rule by id. */
export async function getRuleRow(db: D1Database, id: string): Promise<AlertRuleRow | null> {
  return db.prepare('SELECT * FROM alert_rules WHERE id = ?').bind(id).first<AlertRuleRow>();
}

/** Mutes a rule until a time, or unmutes it (`null`). */
export function muteRule(id: string, until: string | null, now: string): Statement {
  return sql('UPDATE alert_rules SET muted_until = ?, updated_at = ? WHERE id = ? RETURNING *', until, now, id);
}

/** Deletes a rule created over the API, with its cooldown and counters. */
export function deleteRule(id: string): Statement[] {
  return [
    sql(`DELETE FROM alert_rules WHERE id = ? AND source = 'api'`, id),
    sql('DELETE FROM alert_cooldowns WHERE rule_id = ?', id),
    sql('DELETE FROM alert_counters WHERE rule_id = ?', id),
  ];
}

/** An `alerts` row as D1 returns it: the record with what delivery keeps. */
export interface AlertRow extends AlertRecord {
  /** JSON: the facts the notification carries. */
  details: string | null;
  /** JSON array of the indexes of the rule's destinations already reached. */
  delivered_to: string | null;
}

/** The record as the API shows it. */
export function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    rule_id: row.rule_id,
    rule_name: row.rule_name,
    kind: row.kind,
    run_id: row.run_id,
    workflow: row.workflow,
    summary: row.summary,
    count: row.count,
    state: row.state,
    attempts: row.attempts,
    last_error: row.last_error,
    fired_at: row.fired_at,
    delivered_at: row.delivered_at,
  };
}

/** A new alert, before delivery. */
export interface NewAlert {
  id: string;
  rule: Pick<AlertRule, 'id' | 'name' | 'kind'>;
  run_id: string | null;
  workflow: string | null;
  summary: string;
  details: Record<string, unknown>;
  fired_at: string;
}

/** Records an alert as fired. */
export function insertAlert(alert: NewAlert): Statement {
  return sql(
    `INSERT INTO alerts (id, rule_id, rule_name, kind, run_id, workflow, summary, details, count, state, attempts, fired_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 'fired', 0, ?)`,
    alert.id,
    alert.rule.id,
    alert.rule.name,
    alert.rule.kind,
    alert.run_id,
    alert.workflow,
    alert.summary,
    JSON.stringify(alert.details),
    alert.fired_at,
  );
}

/** One more firing folded into a cooldown summary, whose line is `before`, the new count, `after`. */
export function foldIntoSummary(id: string, [before, after]: [string, string], details: Record<string, unknown>): Statement {
  return sql(`UPDATE alerts SET count = count + 1, summary = ? || (count + 1) || ?, details = ? WHERE id = ? AND state = 'fired'`, before, after, JSON.stringify(details), id);
}

/** One alert by id. */
export async function getAlertRow(db: D1Database, id: string): Promise<AlertRow | null> {
  return db.prepare('SELECT * FROM alerts WHERE id = ?').bind(id).first<AlertRow>();
}

/** Filters of the alert history. */
export interface AlertListFilters {
  rule_id?: string;
  run_id?: string;
  state?: AlertState;
  /** Only alerts of these workflows, and about runs of these `ref_type`s (an API key's scopes). */
  within?: { workflows?: readonly string[]; ref_types?: readonly string[] };
}

/** One page of the alert history, newest first (by `fired_at`, then id). */
export async function listAlertRows(db: D1Database, filters: AlertListFilters, limit: number, after?: Keyset): Promise<KeysetPage<AlertRow>> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  for (const column of ['rule_id', 'run_id', 'state'] as const) {
    const value = filters[column];
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  if (filters.within?.workflows) {
    where.push('workflow IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filters.within.workflows));
  }
  if (filters.within?.ref_types) {
    where.push('run_id IN (SELECT id FROM workflow_runs WHERE ref_type IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(filters.within.ref_types));
  }
  if (after) {
    where.push('(fired_at, id) < (?, ?)');
    params.push(after.at, after.id);
  }
  const text = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY fired_at DESC, id DESC LIMIT ?`;
  const rows = (await db.prepare(text).bind(...params, limit + 1).all<AlertRow>()).results;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { at: last.fired_at, id: last.id } : null };
}

/** A delivery attempt begins: the alert is delivering, one attempt more. */
export function startDelivery(id: string): Statement {
  return sql(`UPDATE alerts SET state = 'delivering', attempts = attempts + 1 WHERE id = ? AND state IN ('fired', 'delivering', 'failed') RETURNING *`, id);
}

/** Every destination was reached. */
export function finishDelivery(id: string, reached: readonly number[], now: string, note: string | null): Statement {
  return sql(`UPDATE alerts SET state = 'delivered', delivered_to = ?, delivered_at = ?, last_error = ? WHERE id = ?`, JSON.stringify(reached), now, note, id);
}

/** An attempt failed: `final` when no attempt follows. */
export function failDelivery(id: string, reached: readonly number[], error: string, final: boolean): Statement {
  return sql('UPDATE alerts SET state = ?, delivered_to = ?, last_error = ? WHERE id = ?', final ? 'failed' : 'delivering', JSON.stringify(reached), error, id);
}

/**
 * Appends the alert, as stored, to the event log (kind `alert`, with its run's workflow and
 * refs), unless it repeats the alert's latest event; published like every event.
 */
export function appendAlertEvent(id: string, now: string): Statement {
  const entity = `alert:${id}`;
  return sql(
    `INSERT INTO workflow_events (entity, content_key, kind, run_id, workflow_id, workflow_name, ref_type, ref_id, data, created_at)
     SELECT ?, a.state || '/' || a.attempts || '/' || a.count, 'alert', a.run_id, r.workflow_id, coalesce(r.workflow_name, a.workflow), r.ref_type, r.ref_id,
       json_object('id', a.id, 'rule_id', a.rule_id, 'rule_name', a.rule_name, 'kind', a.kind, 'run_id', a.run_id, 'workflow', a.workflow,
         'summary', a.summary, 'count', a.count, 'state', a.state, 'attempts', a.attempts, 'last_error', a.last_error,
         'fired_at', a.fired_at, 'delivered_at', a.delivered_at), ?
     FROM alerts a LEFT JOIN workflow_runs r ON r.id = a.run_id
     WHERE a.id = ? AND a.state || '/' || a.attempts || '/' || a.count IS NOT (SELECT content_key FROM workflow_events WHERE entity = ? ORDER BY id DESC LIMIT 1)
     RETURNING ${EVENT_REF_COLUMNS}`,
    entity,
    now,
    id,
    entity,
  );
}

/**
 * Claims a firing (a rule and a run, or a rule and a window): the first claim gets `true`, a
 * repeat (a redelivered message, a second sweep) `false`.
 */
export async function claimFiring(db: D1Database, key: string, at: number): Promise<boolean> {
  const row = await db.prepare('INSERT INTO alert_firings (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING RETURNING key').bind(key, at).first();
  return row !== null;
}

/** Notes which alert a firing went to. */
export function firingAlert(key: string, alertId: string): Statement {
  return sql('UPDATE alert_firings SET alert_id = ? WHERE key = ?', alertId, key);
}

/**
 * Opens a rule's cooldown when none is open at `now`.
 * @returns true when this call opened it (the firing is sent at once), false when one is open
 */
export async function openCooldown(db: D1Database, ruleId: string, now: number, until: number): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO alert_cooldowns (rule_id, until, summary_id) VALUES (?, ?, NULL)
       ON CONFLICT (rule_id) DO UPDATE SET until = excluded.until, summary_id = NULL WHERE alert_cooldowns.until <= ?
       RETURNING rule_id`,
    )
    .bind(ruleId, until, now)
    .first();
  return row !== null;
}

/**
 * The open cooldown's summary alert: `candidate` becomes it when the cooldown has none yet.
 * @returns the summary's id and the cooldown's end, or null when no cooldown is open
 */
export async function claimSummary(db: D1Database, ruleId: string, candidate: string): Promise<{ summary_id: string; until: number } | null> {
  return db
    .prepare('UPDATE alert_cooldowns SET summary_id = coalesce(summary_id, ?) WHERE rule_id = ? RETURNING summary_id, until')
    .bind(candidate, ruleId)
    .first<{ summary_id: string; until: number }>();
}

/** The summary is being sent: later firings start a new summary, within a new cooldown. */
export function closeSummary(ruleId: string, summaryId: string, until: number): Statement {
  return sql('UPDATE alert_cooldowns SET summary_id = NULL, until = ? WHERE rule_id = ? AND summary_id = ?', until, ruleId, summaryId);
}

/** Summaries whose cooldown has ended and which were not sent yet (a lost delayed message). */
export async function dueSummaries(db: D1Database, now: number, limit: number): Promise<{ rule_id: string; summary_id: string }[]> {
  return (
    await db
      .prepare(`SELECT c.rule_id, c.summary_id FROM alert_cooldowns c JOIN alerts a ON a.id = c.summary_id WHERE c.until <= ? AND a.state = 'fired' LIMIT ?`)
      .bind(now, limit)
      .all<{ rule_id: string; summary_id: string }>()
  ).results;
}

/** Counts one ended run for a windowed rule. */
export function countRun(ruleId: string, bucket: number, bin: number, failed: boolean): Statement {
  return sql(
    `INSERT INTO alert_counters (rule_id, bucket, bin, runs, failed) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (rule_id, bucket, bin) DO UPDATE SET runs = runs + 1, failed = failed + excluded.failed`,
    ruleId,
    bucket,
    bin,
    failed ? 1 : 0,
  );
}

/** A windowed rule's counters since a time, per duration bin. */
export async function readCounters(db: D1Database, ruleId: string, since: number): Promise<{ bin: number; runs: number; failed: number }[]> {
  return (
    await db
      .prepare('SELECT bin, sum(runs) AS runs, sum(failed) AS failed FROM alert_counters WHERE rule_id = ? AND bucket >= ? GROUP BY bin ORDER BY bin')
      .bind(ruleId, since)
      .all<{ bin: number; runs: number; failed: number }>()
  ).results;
}

/** Forgets firings and counters older than `before` (epoch ms). */
export function pruneAlertState(before: number): Statement[] {
  return [sql('DELETE FROM alert_firings WHERE at < ?', before), sql('DELETE FROM alert_counters WHERE bucket < ?', before)];
}


/** Which stuck runs to find: a status, a time, and a rule's scope. */
export interface StuckQuery {
  status: string;
  /** Runs unchanged since before this (ISO); for `Sleeping`, whose wake time is before it. */
  before: string;
  workflow?: string;
  ref_type?: string;
  metadata_key?: string;
  metadata_value?: string;
}

/** Runs stuck in a status since before a time, in a rule's scope, oldest first. */
export async function stuckRuns(db: D1Database, query: StuckQuery, limit: number): Promise<RunRow[]> {
  const where = ['r.status = ?', query.status === 'Sleeping' ? 'r.sleep_until < ?' : 'r.updated_at < ?'];
  const params: SqlValue[] = [query.status, query.before];
  if (query.workflow !== undefined) {
    where.push('r.workflow_name = ?');
    params.push(query.workflow);
  }
  if (query.ref_type !== undefined) {
    where.push('r.ref_type = ?');
    params.push(query.ref_type);
  }
  if (query.metadata_key !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM workflow_run_metadata m WHERE m.run_id = r.id AND m.key = ?${query.metadata_value === undefined ? '' : ' AND m.value = ?'})`);
    params.push(query.metadata_key, ...(query.metadata_value === undefined ? [] : [query.metadata_value]));
  }
  const text = `SELECT r.* FROM workflow_runs r INDEXED BY runs_by_status_age WHERE ${where.join(' AND ')} ORDER BY r.updated_at, r.id LIMIT ?`;
  return (await db.prepare(text).bind(...params, limit).all<RunRow>()).results;
}
