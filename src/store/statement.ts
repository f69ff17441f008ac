/**
 * A SQL statement with its bound parameters, kept as data so that a failed tracking write can be
 * kept and sent again later (a bound `D1PreparedStatement` belongs to the request that made it).
 */
export interface Statement {
  sql: string;
  params: readonly SqlValue[];
}

/** A value D1 can bind. */
export type SqlValue = string | number | null;

/** Builds a statement. */
export function sql(text: string, ...params: SqlValue[]): Statement {
  return { sql: text, params };
}

/** Prepares statements on a database, in order. */
export function prepareAll(db: D1Database, statements: readonly Statement[]): D1PreparedStatement[] {
  return statements.map((s) => db.prepare(s.sql).bind(...s.params));
}
