/**
 * A short key for "this entity was set to these values", used to tell a replayed write from a new
 * one in the event log. FNV-1a over the JSON of the values.
 */
export function contentKey(kind: string, id: unknown, values: object): string {
  const text = JSON.stringify(values);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${kind}:${JSON.stringify(id)}:${hash.toString(16)}`;
}
