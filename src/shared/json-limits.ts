/**
 * Deepest nesting of arrays and objects taken in a JSON value from outside (params, metadata, an
 * event payload): far below what D1's JSON functions (1,000 levels) and a recursive walk survive.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Largest metadata object, as JSON text in bytes. Metadata is merged into its workflow's on every
 * start and indexed key by key, so it is meant for a few small facts (who, from where).
 */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * True when `value` nests arrays and objects more than `limit` levels deep (`{}` and `[1]` are one
 * level). Walks without recursion, so any depth JSON.parse produced is measured safely.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const v = next.value;
    if (typeof v !== 'object' || v === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ value: child, depth });
  }
  return false;
}

/** Size of a value as UTF-8 JSON text, in bytes. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? '').length;
}

/**
 * What is wrong with metadata for storing, or `null` when it fits: nested past
 * {@link MAX_JSON_DEPTH} or larger than {@link MAX_METADATA_BYTES}.
 */
export function metadataProblem(value: unknown): string | null {
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
  if (jsonBytes(value) > MAX_METADATA_BYTES) return `larger than ${MAX_METADATA_BYTES} bytes`;
  return null;
}
