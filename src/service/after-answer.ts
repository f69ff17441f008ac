/**
 * Runs `work` once the current answer has gone: after the handler returns, so that what the
 * caller waits for is not held up by what can follow it. Hand the result to `ctx.waitUntil`.
 */
export function afterAnswer<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(work);
}

