import type { TopicQuery } from '../../browser/protocol.js';
import { subscribe } from '../../browser/subscribe.js';
import type { EventRecord } from '../../shared/types.js';
import type { AppContext } from './context.js';

/** How often a view no live topic covers is read again, in milliseconds. */
const POLL_MS = 5000;

/**
 * Keeps a view up to date: follows `topic` live (reading everything again after a fresh start,
 * which may have missed changes), or, when no topic covers what the key may see (`null`), reads it
 * again every 5 seconds and says why in the header.
 * @param noTopic the header's explanation when there is no topic
 */
export function followOrPoll(ctx: AppContext, topic: TopicQuery | null, refresh: () => void, onUpdate: (event: EventRecord) => void, noTopic: string): { close(): void } {
  if (!topic) {
    const poll = setInterval(refresh, POLL_MS);
    ctx.setConnection('closed', `${noTopic} Refreshing every 5 s.`);
    return { close: () => clearInterval(poll) };
  }
  return subscribe({
    url: ctx.api.websocketUrl,
    topic,
    getToken: () => ctx.api.token(topic),
    onInitialData: () => refresh(),
    onUpdate: (event) => onUpdate(event),
    onStatus: (status, detail) => ctx.setConnection(status, detail),
  });
}
