import { FlowflareError } from '../shared/errors.js';

/** True for errors D1 raises when it cannot be reached or fails (`D1_ERROR`, `D1_…`). */
function isStorageError(error: unknown): boolean {
  return error instanceof Error && /^D1_|D1_ERROR|SQLITE_BUSY|Network connection lost/.test(error.message);
}

/**
 * The one place errors become responses. Flowflare's errors render as `{ error: { code, message } }`
 * with their status; a D1 failure is a 503; anything else is logged and becomes a plain 500. No
 * response ever carries a stack.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof FlowflareError) return error.toResponse();
  if (isStorageError(error)) {
    console.error('[flowflare] database error:', error);
    return new FlowflareError('STORAGE_UNAVAILABLE', 'The workflow database is unavailable; try again.', { status: 503 }).toResponse();
  }
  console.error('[flowflare] unexpected error:', error);
  return new FlowflareError('INTERNAL', 'Internal error.', { status: 500 }).toResponse();
}
