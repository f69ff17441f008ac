import { ValidationError } from '../shared/errors.js';

/**
 * The header a client sends with the latest bookmark it got, and the service answers with the
 * bookmark after the request: reads through D1's Sessions API then never see data older than the
 * client's own writes, even on a read replica.
 */
export const BOOKMARK_HEADER = 'X-Flowflare-Bookmark';

/** A D1 bookmark, as D1 writes them (`0000007b-0000b26e-00001538-0c3e87bb…`). */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/i;

/** The env a request runs with, its `DB` a D1 session, and the session's bookmark when it is done. */
export interface RequestSession<Env> {
  env: Env;
  /** The bookmark to hand back, or null (no query ran, or the binding has no sessions). */
  bookmark(): string | null;
}

/**
 * Opens the request's D1 session: at the client's bookmark when it sent one, else anywhere for a
 * read (`first-unconstrained`: a replica may answer) and at the primary for anything else. The
 * routes use it as `env.DB`: a session has `prepare` and `batch`, all the service calls.
 * @throws ValidationError for a bookmark header that is not a D1 bookmark
 */
export function openSession<Env extends { DB?: unknown }>(request: Request, env: Env): RequestSession<Env> {
  const db = env.DB as D1Database | undefined;
  if (!db || typeof db.withSession !== 'function') return { env, bookmark: () => null };
  const given = request.headers.get(BOOKMARK_HEADER);
  if (given !== null && !BOOKMARK.test(given)) {
    throw new ValidationError(`${BOOKMARK_HEADER}: not a D1 bookmark (send back the value of this header from an earlier answer)`, 'BAD_REQUEST');
  }
  const read = request.method === 'GET' || request.method === 'HEAD';
  const session = db.withSession(given ?? (read ? 'first-unconstrained' : 'first-primary'));
  return { env: { ...env, DB: session }, bookmark: () => session.getBookmark() };
}
