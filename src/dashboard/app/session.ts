const STORAGE_KEY = 'flowflare.apiKey';

/**
 * The API key lives in `sessionStorage` only: it is gone when the tab closes, and is never put in
 * `localStorage`, a cookie or a URL.
 */
export function savedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Keeps the key for this browser session. */
export function saveKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

/** Forgets the key (sign out, or the service refused it). */
export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
