import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { TopicQuery } from '../../src/browser/protocol.js';
import { MAX_BAD_FRAMES } from '../../src/live/client-frames.js';
import { topicQueryToTopic } from '../../src/live/topic-query.js';
import { topicKey } from '../../src/live/topics.js';
import { updateWorkflowRun } from '../../src/workflow/index.js';
import { api } from '../service/api.js';
import { eventually, newId } from '../helpers.js';
import { openSocket, updateIds, type TestSocket } from './sockets.js';

/** Valid JSON that is not a client message, text that is not JSON, and a binary frame. */
const BAD_FRAMES: (string | ArrayBuffer)[] = ['null', '1', '"x"', '[]', '{"type":5}', '{}', '{"type":"nope"}', 'not json', new Uint8Array([1, 2]).buffer];

/** Resolves with the close, or fails when the socket is still open after `ms`. */
function closedWithin(socket: TestSocket, ms = 5_000): Promise<{ code: number; reason: string }> {
  return Promise.race([socket.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms))]);
}

async function started(socket: TestSocket): Promise<void> {
  await eventually(async () => socket.messages.some((m) => m.type === 'initial_data'));
}

function errorCodes(socket: TestSocket): string[] {
  return socket.messages.flatMap((m) => (m.type === 'error' ? [m.error.code] : []));
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

  it('answers each frame that is not a client message with BAD_MESSAGE and keeps serving the socket', async () => {
    const id = newId('frames');
    await updateWorkflowRun({ id, workflow_name: 'frames', status: 'Running' }, env);
    const socket = await openSocket(`run_id=${id}`);
    await started(socket);
    for (const frame of BAD_FRAMES) socket.ws!.send(frame);
    await eventually(async () => errorCodes(socket).length === BAD_FRAMES.length);
    expect(errorCodes(socket)).toEqual(BAD_FRAMES.map(() => 'BAD_MESSAGE'));
    expect(socket.messages.find((m) => m.type === 'error')).toMatchObject({ error: { message: expect.stringMatching(/ping|subscribe/) } });

    socket.ws!.send(JSON.stringify({ type: 'ping' }));
    await eventually(async () => socket.messages.some((m) => m.type === 'pong'));
    await updateWorkflowRun({ id, status: 'Completed' }, env);
    await eventually(async () => updateIds(socket).length === 1);
    // A subscribe to its own topic changes nothing; one to a topic that is none is refused too,
    // and being the socket's tenth refused frame, closes it.
    socket.ws!.send(JSON.stringify({ type: 'subscribe', topic: { run_id: id } }));
    socket.ws!.send(JSON.stringify({ type: 'subscribe', topic: { run_id: '' } }));
    expect(BAD_FRAMES.length + 1).toBe(MAX_BAD_FRAMES);
    expect(await closedWithin(socket)).toEqual({ code: 1008, reason: `${MAX_BAD_FRAMES} frames that are not client messages` });
    expect(errorCodes(socket).at(-1)).toBe('BAD_TOPIC');
  });

  it('survives a flood of bad frames from many sockets: it closes the senders past the limit with 1008, and every other socket, new sockets and the REST API keep working', async () => {
    const id = newId('flood');
    await updateWorkflowRun({ id, workflow_name: 'flood', status: 'Running' }, env);
    const queries = [`run_id=${id}`, 'workflow=flood', ''];
    const open = async (n: number) => Promise.all(Array.from({ length: n }, (_, i) => openSocket(queries[i % queries.length]!)));
    const patient = await open(20);
    const flooders = await open(20);
    await Promise.all([...patient, ...flooders].map(started));

    for (const socket of patient) for (let i = 0; i < MAX_BAD_FRAMES - 1; i++) socket.ws!.send(BAD_FRAMES[i % BAD_FRAMES.length]!);
    for (const socket of flooders) {
      for (let i = 0; i < 600; i++) {
        try {
          socket.ws!.send(BAD_FRAMES[i % BAD_FRAMES.length]!);
        } catch {
          break; // closed by the tracker
        }
      }
    }
    for (const socket of flooders) expect(await closedWithin(socket, 15_000)).toMatchObject({ code: 1008 });
    await eventually(async () => patient.every((s) => errorCodes(s).length === MAX_BAD_FRAMES - 1));

    const fresh = await openSocket(`run_id=${id}`);
    await started(fresh);
    await updateWorkflowRun({ id, status: 'Completed' }, env);
    const completed = (socket: TestSocket) => socket.messages.some((m) => m.type === 'update' && m.data.run_id === id && (m.data.data as { status?: string }).status === 'Completed');
    for (const socket of [...patient, fresh]) await eventually(async () => completed(socket));
    expect((await api('/api/runs?limit=1')).status).toBe(200);
    for (const socket of [...patient, fresh]) socket.ws!.close(1000);
  });
});
