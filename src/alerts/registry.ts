import type { AlertRule } from '../shared/alerts.js';
import { writeBatch } from '../store/batch.js';
import { deleteOptionsRulesExcept, listRuleRows, toAlertRule, upsertOptionsRule } from '../store/alerts.js';
import type { ResolvedAlerts } from './options.js';

/** How long an isolate keeps the rules it read before reading them again. */
export const RULES_TTL_MS = 10_000;

interface Cached {
  at: number;
  rules: Promise<readonly AlertRule[]>;
}

/** One per isolate: a service has one Flowflare database (a D1 session of it reads the same rules). */
let cache: Cached | null = null;
/** How often an isolate writes the options' rules to D1 again (a no-op write when they are there). */
export const SYNC_EVERY_MS = 60_000;
/** When this isolate last wrote each options' rules. */
const synced = new WeakMap<ResolvedAlerts, number>();

/**
 * Every rule (options and API), read from D1 at most once per {@link RULES_TTL_MS} per isolate and
 * at once after a change made in this isolate, so that matching a write costs no D1 read.
 */
export function cachedRules(db: D1Database, now = Date.now()): Promise<readonly AlertRule[]> {
  if (cache && now - cache.at < RULES_TTL_MS) return cache.rules;
  const entry: Cached = { at: now, rules: listRuleRows(db).then((rows) => rows.map(toAlertRule)) };
  cache = entry;
  // a failed read is not kept: the next call reads again
  entry.rules.catch(() => {
    if (cache === entry) cache = null;
  });
  return entry.rules;
}

/** Drops the cached rules (after a rule was created, muted or deleted). */
export function forgetRules(): void {
  cache = null;
}

/**
 * Writes the rules of the service options to D1 (at most once per {@link SYNC_EVERY_MS} per
 * isolate unless `force`), so that every part of the service (the run followers included, which do
 * not see the options) reads the same rules; rules removed from the options are deleted. A mute set
 * over the API stays.
 */
export async function syncOptionsRules(db: D1Database, alerts: ResolvedAlerts, force = false): Promise<void> {
  const last = synced.get(alerts);
  if (!force && last !== undefined && Date.now() - last < SYNC_EVERY_MS) return;
  synced.set(alerts, Date.now());
  const now = new Date().toISOString();
  try {
    await writeBatch(db, [...alerts.rules.map((rule) => upsertOptionsRule(rule, now)), deleteOptionsRulesExcept(alerts.rules.map((r) => r.id))]);
  } catch (error) {
    synced.delete(alerts);
    throw error;
  }
  forgetRules();
}

/** True when a rule fires nothing at `now` (muted until later). */
export function isMuted(rule: AlertRule, now: number): boolean {
  return rule.muted_until !== null && Date.parse(rule.muted_until) > now;
}
