/**
 * How long tracking waits for a tracker Durable Object (a live publish, a follow request) before it
 * goes on without the answer: a stuck object never stalls the workflow that tracks through it.
 */
export const TRACKER_CALL_TIMEOUT_MS = 2000;

/** What {@link withDeadline} gives for a promise that did not settle in time. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Waits for `promise` at most `ms` milliseconds. The promise itself is not cancelled: it goes on,
 * and whatever it settles to later is ignored (a rejection too, so it is never unhandled).
 * @returns the promise's value, or {@link TIMED_OUT}
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined);
  }
}
