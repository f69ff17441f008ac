import type { EngineEvent } from './events.js';

/**
 * What one read of the stream gave: an event, nothing yet, the end (the run is over), or a broken
 * stream (the engine restarted the instance or dropped the subscription: subscribe again).
 */
export type StreamRead = EngineEvent | 'quiet' | 'end' | 'broken';

/**
 * An instance's event stream (`instance.subscribe()`) read with a time limit per read. A read that
 * times out keeps its pending `next()` for the following read, so no event is ever skipped.
 */
export class EngineStream {
  private pending: Promise<IteratorResult<EngineEvent, void>> | null = null;
  private closed = false;
  private broken = false;

  private constructor(private readonly subscription: WorkflowInstanceSubscription) {}

  /**
   * Subscribes after `cursor` (the eventId of the last event already recorded), or from the
   * start of the retained history when `cursor` is 0.
   */
  static async open(instance: WorkflowInstance, cursor: number): Promise<EngineStream> {
    return new EngineStream(await instance.subscribe(cursor > 0 ? { cursor } : {}));
  }

  /** The next event, or `'quiet'` when none arrives within `timeoutMs`, or `'end'`. */
  async read(timeoutMs: number): Promise<StreamRead> {
    if (this.broken) return 'broken';
    if (this.closed) return 'end';
    this.pending ??= this.subscription.next();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const quiet = new Promise<'quiet'>((resolve) => {
      timer = setTimeout(() => resolve('quiet'), timeoutMs);
    });
    try {
      const result = await Promise.race([this.pending, quiet]).catch(() => 'broken' as const);
      if (result === 'broken') {
        this.broken = true;
        this.close();
        return 'broken';
      }
      if (result === 'quiet') return 'quiet';
      this.pending = null;
      if (result.done) {
        this.close();
        return 'end';
      }
      return result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the subscription (the engine stops streaming to it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.subscription[Symbol.dispose]();
    } catch {
      // already gone with its connection
    }
  }
}
