/**
 * A short key for "these values were written", stored with each event: a write whose key equals
 * the entity's latest event repeats it (a replay) and appends nothing. Volatile timestamps are left
 * out so that a replayed write matches the original. FNV-1a over the JSON of the values.
 */
export function contentKey(values: Record<string, unknown>): string {
  const stable = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== undefined && !VOLATILE.has(k)));
  const text = JSON.stringify(stable);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

const VOLATILE = new Set(['started_at', 'completed_at', 'updated_at', 'next_retry_at', 'duration_ms']);
