import { FlowflareError } from '../shared/errors.js';
import { d1ErrorKind } from '../store/errors.js';

/**
 * The one place errors become responses. Flowflare's errors render as `{ error: { code, message } }`
 * with their status; D1 being unreachable is a 503 (worth retrying); anything else, including a
 * write D1 refuses, is logged and becomes a plain 500. No response ever carries a stack.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof FlowflareError) return error.toResponse();
  if (d1ErrorKind(error) === 'unavailable') {
    console.error('[flowflare] database error:', error);
    return new FlowflareError('STORAGE_UNAVAILABLE', 'The workflow database is unavailable; try again.', { status: 503 }).toResponse();
  }
  console.error('[flowflare] unexpected error:', error);
  return new FlowflareError('INTERNAL', 'Internal error.', { status: 500 }).toResponse();
}
