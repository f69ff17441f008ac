import type { TopicQuery } from '../../browser/protocol.js';
import { subscribe } from '../../browser/subscribe.js';
import type { EventRecord } from '../../shared/types.js';
import type { AppContext } from './context.js';

/** How often a view no live topic covers is read again, in milliseconds, unless told. */
const POLL_MS = 5000;

/**
 * Keeps a view up to date: follows `topic` live (reading everything again after a fresh start,
 * which may have missed changes), or, when no topic covers what the key may see (`null`), reads it
 * again every `pollMs` and says why in the header.
 * @param noTopic the header's explanation when there is no topic
 */
export function followOrPoll(
  ctx: AppContext,
  topic: TopicQuery | null,
  refresh: () => void,
  onUpdate: (event: EventRecord) => void,
  noTopic: string,
  pollMs = POLL_MS,
): { close(): void } {
  if (!topic) {
    const poll = setInterval(refresh, pollMs);
    ctx.setConnection('closed', `${noTopic} Refreshing every ${pollMs / 1000} s.`);
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
