import type { Keyset } from '../store/queries.js';
import { ValidationError } from '../shared/errors.js';

/** Encodes where the next page starts as an opaque, URL-safe cursor. */
export function encodeCursor(keyset: Keyset): string {
  const bytes = new TextEncoder().encode(JSON.stringify([keyset.at, keyset.id]));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @param idType the type of the id the list pages by: run ids are strings, workflow ids numbers
 */
export function decodeCursor(cursor: string, idType: 'string' | 'number'): Keyset {
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === idType) {
      return { at: value[0], id: value[1] as string | number };
    }
  } catch {
    // reported below
  }
  throw new ValidationError('cursor: not a cursor this list returned', 'BAD_REQUEST');
}
