import { capJson } from '../shared/json.js';
import { safeStringify } from './serialize.js';

/** What to store of a value: all of it, none of it, or what a function keeps (to drop secrets). */
export type StorePolicy<T> = 'all' | 'none' | ((value: T) => unknown);

/**
 * Applies a store policy and the size cap, giving the text of a JSON column. A policy function
 * that throws stores a marker instead of failing the step.
 */
export function storeValue<T>(value: T, policy: StorePolicy<T>, maxBytes: number): string | null {
  if (policy === 'none') return null;
  let kept: unknown = value;
  if (typeof policy === 'function') {
    try {
      kept = policy(value);
    } catch (error) {
      kept = { redactionFailed: error instanceof Error ? error.message : String(error) };
    }
  }
  return capJson(safeStringify(kept), maxBytes);
}
