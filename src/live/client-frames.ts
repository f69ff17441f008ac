import * as z from 'zod/mini';
import type { TopicQuery } from '../browser/protocol.js';
import { topicQueryToTopic } from './topic-query.js';
import { topicKey } from './topics.js';

/** Bad frames a socket may send: the one that reaches this number closes it with 1008. */
export const MAX_BAD_FRAMES = 10;

const EXPECTED = 'send {"type":"ping"} or {"type":"subscribe","topic":…} as JSON text';

// Fields other than these are ignored, so that a newer client's extras do not break an older service.
const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('subscribe'), topic: z.unknown() }),
]);

/** What a client frame asks for, or why it is refused. */
export type ClientFrame =
  | { type: 'ping' }
  | { type: 'subscribe'; key: string }
  | { type: 'bad'; code: 'BAD_MESSAGE' | 'BAD_TOPIC'; message: string };

/**
 * Reads a frame a client sent to a tracker: `{"type":"ping"}`, or `{"type":"subscribe","topic":…}`
 * with its topic read into a key. Anything else (binary, text that is not JSON, JSON that is not
 * one of these messages, a topic that is not one) comes back as `bad`; it never throws.
 */
export function readClientFrame(frame: string | ArrayBuffer): ClientFrame {
  if (typeof frame !== 'string') return bad('BAD_MESSAGE', `binary frames are not read: ${EXPECTED}`);
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return bad('BAD_MESSAGE', `not JSON: ${EXPECTED}`);
  }
  const parsed = z.safeParse(clientMessageSchema, value);
  if (!parsed.success) return bad('BAD_MESSAGE', `not a client message: ${EXPECTED}`);
  if (parsed.data.type === 'ping') return { type: 'ping' };
  try {
    return { type: 'subscribe', key: topicKey(topicQueryToTopic(parsed.data.topic as TopicQuery | undefined)) };
  } catch (error) {
    return bad('BAD_TOPIC', error instanceof Error ? error.message : String(error));
  }
}

function bad(code: 'BAD_MESSAGE' | 'BAD_TOPIC', message: string): ClientFrame {
  return { type: 'bad', code, message };
}
