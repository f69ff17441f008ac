import type { Topic } from '../live/topics.js';
import type { AttemptRow, EventRow, RunRow, StepRow } from './rows.js';
import { sql, type SqlValue, type Statement } from './statement.js';

/** WHERE clause (with parameters) selecting a topic's rows of a table with run/ref columns. */
function topicFilter(topic: Topic, alias: string): { where: string; params: SqlValue[] } {
  switch (topic.kind) {
    case 'all':
      return { where: '1 = 1', params: [] };
    case 'run':
      return { where: `${alias}.${alias === 'r' ? 'id' : 'run_id'} = ?`, params: [topic.runId] };
    case 'workflow':
      return { where: `${alias}.workflow_name = ?`, params: [topic.name] };
    case 'ref':
      return { where: `${alias}.ref_type = ? AND ${alias}.ref_id = ?`, params: [topic.refType, topic.refId] };
  }
}

/** A topic's events after `after` (and up to `upTo`), oldest first, served by an index per topic kind. */
export function topicEventsStatement(topic: Topic, after: number, upTo: number | null, limit: number): Statement {
  const f = topicFilter(topic, 'e');
  const bound = upTo === null ? '' : ' AND e.id <= ?';
  return sql(
    `SELECT * FROM workflow_events e WHERE ${f.where} AND e.id > ?${bound} ORDER BY e.id LIMIT ?`,
    ...f.params,
    after,
    ...(upTo === null ? [] : [upTo]),
    limit,
  );
}

/** Reads a topic's events after a cursor. */
export async function listTopicEvents(db: D1Database, topic: Topic, after: number, upTo: number | null, limit: number): Promise<EventRow[]> {
  const s = topicEventsStatement(topic, after, upTo, limit);
  const { results } = await db.prepare(s.sql).bind(...s.params).all<EventRow>();
  return results;
}

/** The newest event id, or 0 for an empty log. */
export async function latestEventId(db: D1Database): Promise<number> {
  return (await db.prepare('SELECT ifnull(max(id), 0) AS id FROM workflow_events').first<number>('id')) ?? 0;
}

/** The oldest event id the log still keeps (pruning removes the oldest first), or null when empty. */
export async function oldestEventId(db: D1Database): Promise<number | null> {
  return db.prepare('SELECT min(id) AS id FROM workflow_events').first<number | null>('id');
}

/** A topic's state: its newest runs with their steps and attempts, and the event id it reflects. */
export interface TopicSnapshotRows {
  cursor: number;
  runs: RunRow[];
  steps: StepRow[];
  attempts: AttemptRow[];
}

/**
 * Reads a topic's newest runs, their steps and attempts, and the newest event id, in one batch:
 * one transaction, so the state is exactly the one that event id describes.
 */
export async function readTopicSnapshot(db: D1Database, topic: Topic, limit: number): Promise<TopicSnapshotRows> {
  const f = topicFilter(topic, 'r');
  const runIds = `SELECT r.id FROM workflow_runs r WHERE ${f.where} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`;
  const [cursor, runs, steps, attempts] = await db.batch([
    db.prepare('SELECT ifnull(max(id), 0) AS id FROM workflow_events'),
    db.prepare(`SELECT r.* FROM workflow_runs r WHERE ${f.where} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`).bind(...f.params, limit),
    db.prepare(`SELECT * FROM workflow_steps WHERE run_id IN (${runIds}) ORDER BY run_id, step_number, id`).bind(...f.params, limit),
    db.prepare(`SELECT * FROM workflow_step_retries WHERE run_id IN (${runIds}) ORDER BY run_id, step_name, step_count, attempt`).bind(...f.params, limit),
  ]);
  return {
    cursor: ((cursor?.results[0] as { id: number } | undefined)?.id ?? 0),
    runs: (runs?.results ?? []) as RunRow[],
    steps: (steps?.results ?? []) as StepRow[],
    attempts: (attempts?.results ?? []) as AttemptRow[],
  };
}
