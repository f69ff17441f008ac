import type { $ZodType, output } from 'zod/v4/core';
import { FlowflareError, ValidationError } from '../shared/errors.js';
import { parseWith } from '../shared/validate.js';

function tooLarge(limit: number): FlowflareError {
  return new FlowflareError('PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes.`, { status: 413 });
}

/** Reads a body as text, refusing more than `limit` bytes without reading past the limit. */
export async function readText(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * Reads a JSON body within the size limit and validates it with a zod schema.
 * @param where names the route in error messages, such as `POST /api/runs`
 */
export async function readJson<S extends $ZodType>(request: Request, schema: S, limit: number, where: string): Promise<output<S>> {
  const text = await readText(request, limit);
  let value: unknown;
  try {
    value = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    throw new ValidationError(`${where}: the body is not valid JSON.`, 'BAD_REQUEST');
  }
  if (value === undefined) throw new ValidationError(`${where}: a JSON body is required.`, 'BAD_REQUEST');
  return parseWith(schema, value, where);
}

/** Reads and validates a query string; a repeated parameter is an error. */
export function readQuery<S extends $ZodType>(request: Request, schema: S, where: string): output<S> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URL(request.url).searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : ([] as string[]).concat(seen, value);
  }
  return parseWith(schema, query, where);
}
