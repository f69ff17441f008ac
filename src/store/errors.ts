/**
 * What a D1 failure means for the write that met it:
 * - `unique`: a UNIQUE index refused a row (an idempotency key already taken).
 * - `rejected`: D1 refuses the statements themselves (a constraint, a type, a missing table or
 *   column, malformed JSON): sending them again cannot succeed.
 * - `unavailable`: D1 could not be reached or did not answer (a lost connection, a locked,
 *   overloaded or restarting database): the same write may succeed later.
 */
export type D1ErrorKind = 'unique' | 'rejected' | 'unavailable';

/**
 * The one D1 error classifier: every writer and the service's error handler decide with it.
 * @returns the kind of D1 failure, or `null` for an error that did not come from D1
 */
export function d1ErrorKind(error: unknown): D1ErrorKind | null {
  const message = error instanceof Error ? error.message : String(error);
  if (/UNIQUE constraint failed/i.test(message)) return 'unique';
  if (/SQLITE_(CONSTRAINT|ERROR|MISMATCH|TOOBIG|RANGE)|D1_TYPE_ERROR|no such (table|column)|syntax error|malformed JSON/i.test(message)) return 'rejected';
  if (/^D1_|D1_ERROR|SQLITE_(BUSY|LOCKED|IOERR)|database is locked|Network connection lost|storage (operation|reset)/i.test(message)) return 'unavailable';
  return null;
}
