/** A JSON value as stored in Flowflare's JSON columns. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, the shape of metadata. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * Parses a JSON column. Text that is not JSON is returned as the string it is, so a value stored by
 * another tool still reads back instead of throwing.
 */
export function parseJsonColumn(text: string | null | undefined): JsonValue | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * Turns a value given by a user into the text of a JSON column. Strings that already hold JSON (the
 * seed passes `JSON.stringify(...)`) are kept as they are; other strings are stored as JSON strings.
 */
export function toJsonColumn(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
      return value;
    } catch {
      return JSON.stringify(value);
    }
  }
  return JSON.stringify(value);
}

/** Keeps stored JSON under `maxBytes`: longer text is replaced by a marker that says what was cut. */
export function capJson(text: string | null, maxBytes: number): string | null {
  if (text === null) return null;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= maxBytes) return text;
  return JSON.stringify({ truncated: true, bytes, preview: text.slice(0, 256) });
}
