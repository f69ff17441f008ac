import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { subscribe, type SubscriptionStatus } from '../../src/browser/index.js';
import type { EventRecord } from '../../src/shared/types.js';
import type { TokenResult } from '../../src/shared/api.js';
import { updateWorkflowRun } from '../../src/workflow/index.js';
import { post } from '../service/api.js';
import { eventually, newId, rows } from '../helpers.js';
import { ServiceWebSocket } from './sockets.js';

/** The subscriber's sockets, so that the test can drop them as a network would. */
class DroppableSocket extends ServiceWebSocket {
  static opened: DroppableSocket[] = [];

  constructor(url: string, protocols?: string[]) {
    super(url, protocols);
    DroppableSocket.opened.push(this);
  }
}

async function lastEventOf(runId: string): Promise<number> {
  const [row] = await rows<{ id: number }>('SELECT max(id) AS id FROM workflow_events WHERE run_id = ?', runId);
  return row!.id;
}

describe('the browser subscriber resuming with since', () => {
  it('is live once the resumed socket is open, with no new event, and its backoff starts over after each reconnect', async () => {
    const id = newId('quiet');
    await updateWorkflowRun({ id, workflow_name: 'quiet', status: 'Running' }, env);
    const since = await lastEventOf(id);
    const statuses: SubscriptionStatus[] = [];
    const updates: EventRecord[] = [];
    let initialData = 0;
    DroppableSocket.opened = [];
    const sub = subscribe({
      url: 'wss://service.example/api/tracker-websocket',
      topic: { run_id: id },
      getToken: async () => (await post<TokenResult>('/api/tokens', { topic: { run_id: id } })).body.token,
      since,
      backoff: { initialMs: 40, maxMs: 60_000 },
      WebSocket: DroppableSocket as unknown as typeof WebSocket,
      onInitialData: () => initialData++,
      onUpdate: (event) => updates.push(event),
      onStatus: (status) => statuses.push(status),
    });
    await eventually(async () => sub.status === 'live', 5_000);
    expect(statuses).toEqual(['connecting', 'live']);

    // Eight drops in a row with nothing new on the topic: each reconnect resumes, becomes live
    // and starts the backoff over, so the last reconnect is as quick as the first (without the
    // reset the eighth would wait 40 ms × 2^7 ≈ 2.5–5 s).
    const took: number[] = [];
    for (let drop = 1; drop <= 8; drop++) {
      const socket = DroppableSocket.opened.at(-1)!;
      const before = Date.now();
      socket.close(4000, 'network gone');
      await eventually(async () => DroppableSocket.opened.length === drop + 1 && sub.status === 'live', 10_000);
      took.push(Date.now() - before);
    }
    expect(Math.max(...took)).toBeLessThan(1_000);
    expect(statuses).toEqual(['connecting', 'live', ...Array.from({ length: 8 }, () => ['reconnecting', 'live']).flat()]);
    expect(initialData).toBe(0);

    await updateWorkflowRun({ id, status: 'Completed' }, env);
    await eventually(async () => updates.length === 1);
    expect(updates[0]).toMatchObject({ run_id: id, data: { status: 'Completed' } });
    expect(sub.cursor).toBe(await lastEventOf(id));
    sub.close();
  });
});
