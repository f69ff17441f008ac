import type { AlertFilters, AlertRecord } from '../../shared/alerts.js';
import type { EventRecord } from '../../shared/types.js';
import { alertOf, applyAlertChange } from './alerts-model.js';
import { appendPage } from './list-model.js';

/** Recent alerts under some filters: the pages loaded so far, kept up to date by live events. */
export interface AlertFeed {
  /** The loaded alerts, newest first. */
  readonly alerts: readonly AlertRecord[];
  /** True when older alerts remain to be paged in. */
  readonly hasMore: boolean;
  /** Reads the first page again (at start, and after the live connection may have missed some). */
  load(): Promise<void>;
  /** Appends the next page. */
  more(): Promise<void>;
  /** Applies a live event; true when it was an alert these filters select. */
  apply(event: EventRecord): boolean;
}

/**
 * A feed of alerts from `GET /api/alerts` with cursor paging; `onChange` runs after every change.
 * Live alerts of other runs or rules than the filters name are left out.
 */
export function createAlertFeed(listAlerts: (filters: AlertFilters) => Promise<{ data: AlertRecord[]; next_cursor: string | null }>, filters: Omit<AlertFilters, 'cursor'>, onChange: () => void): AlertFeed {
  let alerts: AlertRecord[] = [];
  let next: string | null = null;
  const matches = (a: AlertRecord) => (!filters.run_id || a.run_id === filters.run_id) && (!filters.rule_id || a.rule_id === filters.rule_id) && (!filters.state || a.state === filters.state);
  return {
    get alerts() {
      return alerts;
    },
    get hasMore() {
      return next !== null;
    },
    async load() {
      const page = await listAlerts(filters);
      alerts = page.data;
      next = page.next_cursor;
      onChange();
    },
    async more() {
      if (next === null) return;
      const page = await listAlerts({ ...filters, cursor: next });
      alerts = appendPage(alerts, page.data);
      next = page.next_cursor;
      onChange();
    },
    apply(event) {
      const alert = alertOf(event);
      if (!alert) return false;
      // an alert that moved out of a state filter leaves the list
      if (!matches(alert)) {
        if (!alerts.some((a) => a.id === alert.id)) return false;
        alerts = alerts.filter((a) => a.id !== alert.id);
      } else alerts = applyAlertChange(alerts, alert, next === null);
      onChange();
      return true;
    },
  };
}
