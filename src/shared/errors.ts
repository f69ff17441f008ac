/** Machine-readable error codes used across Flowflare. */
export type FlowflareErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_FAILED'
  | 'INVALID_INSTANCE_ID'
  | 'UNKNOWN_FIELD'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_CONFIGURED'
  | 'TRACKING_FAILED'
  | 'TIMEOUT'
  | 'INTERNAL'
  | (string & {});

/** Options of a {@link FlowflareError}. */
export interface FlowflareErrorOptions {
  /** HTTP status when the error crosses HTTP. @default 500 */
  status?: number;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Base of every error Flowflare throws on purpose. It carries a stable `code` and the HTTP `status`
 * it maps to, and renders itself as the JSON body `{ error: { code, message } }`.
 */
export class FlowflareError extends Error {
  override readonly name: string = 'FlowflareError';
  /** Stable, machine-readable code such as `NOT_FOUND`. */
  readonly code: FlowflareErrorCode;
  /** HTTP status this error maps to. */
  readonly status: number;

  constructor(code: FlowflareErrorCode, message: string, options: FlowflareErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
  }

  /** The JSON body of this error as sent over HTTP. */
  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }

  /** This error as an HTTP response. */
  toResponse(headers?: ResponseInit['headers']): Response {
    const response = Response.json(this.toJSON(), { status: this.status, headers });
    return response;
  }
}

/** Input that breaks the contract: a missing field, a wrong type, an unknown field (HTTP 400). */
export class ValidationError extends FlowflareError {
  override readonly name: string = 'ValidationError';
  constructor(message: string, code: FlowflareErrorCode = 'VALIDATION_FAILED', cause?: unknown) {
    super(code, message, { status: 400, cause });
  }
}

/** Something named by the caller does not exist (HTTP 404). */
export class NotFoundError extends FlowflareError {
  override readonly name: string = 'NotFoundError';
  constructor(message: string) {
    super('NOT_FOUND', message, { status: 404 });
  }
}

/** The request carries no API key, or the wrong one (HTTP 401). */
export class UnauthorizedError extends FlowflareError {
  override readonly name: string = 'UnauthorizedError';
  constructor(message: string) {
    super('UNAUTHORIZED', message, { status: 401 });
  }
}

/** The caller is known but not allowed to do this: an origin not allowed, a token for another topic (HTTP 403). */
export class ForbiddenError extends FlowflareError {
  override readonly name: string = 'ForbiddenError';
  constructor(message: string) {
    super('FORBIDDEN', message, { status: 403 });
  }
}

/** The request is valid but does not fit the current state, such as pausing a finished run (HTTP 409). */
export class ConflictError extends FlowflareError {
  override readonly name: string = 'ConflictError';
  constructor(message: string, cause?: unknown) {
    super('CONFLICT', message, { status: 409, cause });
  }
}

/**
 * A mistake the user can fix: a bad flag, a missing tool, a config that does not parse, an account
 * wrangler cannot reach. Command-line entry points print its message as one line and exit with 1;
 * any other error is a bug and is shown in full.
 */
export class UserError extends FlowflareError {
  override readonly name: string = 'UserError';
  constructor(message: string, options: { code?: FlowflareErrorCode; cause?: unknown } = {}) {
    super(options.code ?? 'USER_ERROR', message, { status: 400, cause: options.cause });
  }
}
