import { describe, expect, it } from 'vitest';
import type { TopicQuery } from '../../src/browser/protocol.js';
import { topicQueryToTopic } from '../../src/live/topic-query.js';
import { topicKey } from '../../src/live/topics.js';
import { eventually } from '../helpers.js';
import { openSocket, type TestSocket } from './sockets.js';

/** Resolves with the close, or fails when the socket is still open after `ms`. */
function closedWithin(socket: TestSocket, ms = 5_000): Promise<{ code: number; reason: string }> {
  return Promise.race([socket.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms))]);
}

async function started(socket: TestSocket): Promise<void> {
  await eventually(async () => socket.messages.some((m) => m.type === 'initial_data'));
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

describe('client frames on /api/tracker-websocket', () => {
  it('a subscribe to a topic whose key is past the close-reason limit still closes the socket with 4010', async () => {
    // Run and workflow keys keep the text as it is; ref keys are percent-encoded (ASCII).
    const topics: TopicQuery[] = [{ workflow: 'é'.repeat(200) }, { run_id: '😀'.repeat(100) }, { ref_type: 'tag', ref_id: 'é'.repeat(200) }, { workflow: 'a'.repeat(300) }];
    for (const topic of topics) {
      const socket = await openSocket('');
      await started(socket);
      socket.ws!.send(JSON.stringify({ type: 'subscribe', topic }));
      const closed = await closedWithin(socket);
      const key = topicKey(topicQueryToTopic(topic));
      expect(closed.code).toBe(4010);
      // As much of the key as fits in the protocol's 123 bytes, cut between characters.
      expect(utf8Length(closed.reason)).toBeLessThanOrEqual(123);
      expect(utf8Length(closed.reason)).toBeGreaterThan(119);
      expect(key.startsWith(closed.reason)).toBe(true);
      expect(socket.messages.at(-1)).toEqual({ type: 'error', error: { code: 'RECONNECT', message: `reconnect to follow topic ${key}` } });
    }
  });
});
