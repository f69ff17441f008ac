/** Serialises a value for a JSON column; values JSON cannot hold are stored as a description. */
export function safeStringify(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch (error) {
    return JSON.stringify({ unserializable: true, reason: error instanceof Error ? error.message : String(error) });
  }
}

/** Stores an error as `{ name, message }`: never its stack. */
export function errorToJson(error: unknown): string {
  if (error instanceof Error) return JSON.stringify({ name: error.name, message: error.message });
  return JSON.stringify({ name: 'Error', message: typeof error === 'string' ? error : safeStringify(error) ?? String(error) });
}

/** Current time as the ISO-8601 text Flowflare stores. */
export function nowIso(): string {
  return new Date().toISOString();
}
