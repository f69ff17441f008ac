import { env } from 'cloudflare:workers';
import { listDurableObjectIds } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { subscribe, type SubscriptionStatus } from '../../src/browser/index.js';
import { signToken } from '../../src/live/token.js';
import { topicKey } from '../../src/live/topics.js';
import type { TokenResult } from '../../src/shared/api.js';
import type { EventRecord } from '../../src/shared/types.js';
import { updateWorkflowRun } from '../../src/workflow/index.js';
import { KEY, post } from '../service/api.js';
import { eventually, newId, rows, waitForInstance } from '../helpers.js';
import { openSocket, ServiceWebSocket, updateIds, type TestSocket } from './sockets.js';

async function token(topic: unknown, ttl_seconds?: number): Promise<string> {
  const { status, body } = await post<TokenResult>('/api/tokens', { topic, ttl_seconds });
  expect(status).toBe(201);
  return body.token;
}

async function initialCursor(socket: TestSocket): Promise<number> {
  const initial = await eventually(async () => socket.messages.find((m) => m.type === 'initial_data'));
  if (initial.type !== 'initial_data') throw new Error('no initial_data');
  return initial.data.cursor;
}

/** Ids of the log's events after `cursor` that match `where`. */
async function logIds(cursor: number, where: string, ...params: unknown[]): Promise<number[]> {
  const list = await rows<{ id: number }>(`SELECT id FROM workflow_events WHERE id > ? AND ${where} ORDER BY id`, cursor, ...params);
  return list.map((r) => r.id);
}

describe('live updates over /api/tracker-websocket', () => {
  it('each topic receives exactly its own updates, in log order', async () => {
    const a = newId('iso-a');
    const b = newId('iso-b');
    await updateWorkflowRun({ id: a, workflow_name: 'iso_alpha', ref_type: 'team', ref_id: 'red', status: 'Queued' }, env);
    await updateWorkflowRun({ id: b, workflow_name: 'iso_beta', ref_type: 'team', ref_id: 'blue', status: 'Queued' }, env);
    const sockets = {
      runA: await openSocket(`run_id=${a}`),
      runB: await openSocket(`run_id=${b}`),
      alpha: await openSocket('workflow=iso_alpha'),
      red: await openSocket('ref_type=team&ref_id=red'),
      all: await openSocket(''),
    };
    const cursors = Object.fromEntries(await Promise.all(Object.entries(sockets).map(async ([k, s]) => [k, await initialCursor(s)] as const)));
    await updateWorkflowRun({ id: a, status: 'Running' }, env);
    await updateWorkflowRun({ id: b, status: 'Running' }, env);
    await updateWorkflowRun({ id: a, status: 'Completed', output_result: { ok: 1 } }, env);
    await updateWorkflowRun({ id: b, status: 'Errored', error: 'boom' }, env);

    const expected = {
      runA: await logIds(cursors.runA!, 'run_id = ?', a),
      runB: await logIds(cursors.runB!, 'run_id = ?', b),
      alpha: await logIds(cursors.alpha!, 'workflow_name = ?', 'iso_alpha'),
      red: await logIds(cursors.red!, 'ref_type = ? AND ref_id = ?', 'team', 'red'),
      all: await logIds(cursors.all!, '1 = 1'),
    };
    expect(expected.runA).toHaveLength(2);
    expect(expected.runB).toHaveLength(2);
    for (const [name, socket] of Object.entries(sockets)) {
      await eventually(async () => updateIds(socket).length >= expected[name as keyof typeof expected].length);
      expect(updateIds(socket), name).toEqual(expected[name as keyof typeof expected]);
    }
    const lastOfA = sockets.runA.messages.at(-1);
    expect(lastOfA).toMatchObject({ type: 'update', data: { kind: 'run', run_id: a, data: { status: 'Completed', output_result: { ok: 1 } } } });
    for (const socket of Object.values(sockets)) socket.ws!.close(1000);
  });

  it('the first message is the topic state with the cursor it is consistent with', async () => {
    const id = newId('state');
    await updateWorkflowRun({ id, workflow_name: 'stateful', status: 'Running', input_params: { n: 1 } }, env);
    const socket = await openSocket(`run_id=${id}`);
    const initial = await eventually(async () => socket.messages.find((m) => m.type === 'initial_data'));
    expect(initial).toMatchObject({ type: 'initial_data', data: { topic: `run:${id}`, runs: [{ id, status: 'Running', input_params: { n: 1 }, steps: [] }] } });
    const [latest] = await rows<{ id: number }>('SELECT max(id) AS id FROM workflow_events');
    expect(initial.type === 'initial_data' && initial.data.cursor).toBeGreaterThanOrEqual(latest!.id);
    socket.ws!.close(1000);
  });

  describe('credentials are checked before any Durable Object is touched', () => {
    async function trackerExists(key: string): Promise<boolean> {
      const wanted = env.WORKFLOW_TRACKER.idFromName(key).toString();
      return (await listDurableObjectIds(env.WORKFLOW_TRACKER)).some((id) => id.toString() === wanted);
    }

    it('refuses a missing, forged, expired or out-of-scope token and a foreign origin', async () => {
      const run = newId('guarded');
      const key = topicKey({ kind: 'run', runId: run });
      const good = await token({ run_id: run });
      const [body, signature] = good.split('.');
      const forged = `${body}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
      const expired = (await signToken(KEY, key, 60, Date.now() - 3_600_000)).token;
      const otherRun = await token({ run_id: newId('other') });
      const cases: [string, Parameters<typeof openSocket>[1], number, string][] = [
        ['no credentials', {}, 401, 'UNAUTHORIZED'],
        ['wrong key', { key: 'nope' }, 401, 'UNAUTHORIZED'],
        ['forged signature', { token: forged }, 401, 'BAD_TOKEN'],
        ['garbage token', { token: 'not-a-token' }, 401, 'BAD_TOKEN'],
        ['expired token', { token: expired }, 401, 'TOKEN_EXPIRED'],
        ['token for another run', { token: otherRun }, 403, 'FORBIDDEN'],
        ['origin not allowed', { token: good, origin: 'https://evil.example' }, 403, 'FORBIDDEN'],
      ];
      for (const [name, options, status, code] of cases) {
        const socket = await openSocket(`run_id=${run}`, options);
        expect(socket.status, name).toBe(status);
        expect(socket.body, name).toMatchObject({ error: { code } });
      }
      expect(await trackerExists(key)).toBe(false);
      // the same token is accepted for its topic, from an allowed origin
      const ok = await openSocket(`run_id=${run}`, { token: good, origin: 'https://app.example.com' });
      expect(ok.status).toBe(101);
      expect(await trackerExists(key)).toBe(true);
      ok.ws!.close(1000);
    });

    it('a token for a workflow or a business object covers the runs in it, not others', async () => {
      const mine = newId('mine');
      const theirs = newId('theirs');
      await updateWorkflowRun({ id: mine, workflow_name: 'scoped', ref_type: 'campaign', ref_id: 'c-1', status: 'Running' }, env);
      await updateWorkflowRun({ id: theirs, workflow_name: 'scoped', ref_type: 'campaign', ref_id: 'c-2', status: 'Running' }, env);
      const refToken = await token({ ref_type: 'campaign', ref_id: 'c-1' });
      expect((await openSocket(`run_id=${mine}`, { token: refToken })).status).toBe(101);
      expect((await openSocket(`run_id=${theirs}`, { token: refToken })).status).toBe(403);
      expect((await openSocket('ref_type=campaign&ref_id=c-2', { token: refToken })).status).toBe(403);
      const workflowToken = await token({ workflow: 'scoped' });
      expect((await openSocket(`run_id=${theirs}`, { token: workflowToken })).status).toBe(101);
      expect((await openSocket('', { token: workflowToken })).status).toBe(403);
      const allToken = await token('all');
      expect((await openSocket('workflow=anything', { token: allToken })).status).toBe(101);
    });

    it('takes the token as a sub-protocol and answers with the flowflare sub-protocol', async () => {
      const socket = await openSocket('', { protocolToken: await token('all') });
      expect(socket.status).toBe(101);
      expect(socket.protocol).toBe('flowflare');
      socket.ws!.close(1000);
    });

    it('answers a plain GET with the status a socket would get, so browsers can learn why', async () => {
      expect((await openSocket('', { token: await token('all'), upgrade: false })).status).toBe(426);
      expect((await openSocket('', { token: 'bad.token', upgrade: false })).status).toBe(401);
    });
  });

  it('closes a socket with 4001 when its token expires mid-connection', async () => {
    const socket = await openSocket('', { token: await token('all', 1) });
    expect(socket.status).toBe(101);
    await initialCursor(socket);
    const closed = await socket.closed;
    expect(closed.code).toBe(4001);
    expect(socket.messages.at(-1)).toMatchObject({ type: 'error', error: { code: 'TOKEN_EXPIRED' } });
  });

  it('resumes with since: the received sequence equals the log, no gap, no duplicate, even after the trackers are reset', async () => {
    const id = newId('resume');
    await updateWorkflowRun({ id, workflow_name: 'resumable', status: 'Running' }, env);
    const first = await openSocket(`run_id=${id}`);
    const start = await initialCursor(first);
    const step = async (n: number) =>
      updateWorkflowRun({ id, status: n % 2 ? 'Sleeping' : 'Running', sleep_until: n % 2 ? new Date(Date.now() + n * 1000).toISOString() : undefined }, env);
    for (let n = 1; n <= 3; n++) await step(n);
    await eventually(async () => updateIds(first).length === 3);
    first.ws!.close(1000);
    await first.closed;
    for (let n = 4; n <= 6; n++) await step(n);

    const received = [...updateIds(first)];
    const second = await openSocket(`run_id=${id}&since=${received.at(-1)}`);
    for (let n = 7; n <= 8; n++) await step(n);
    await eventually(async () => updateIds(second).length === 5);
    expect(second.messages.some((m) => m.type === 'initial_data')).toBe(false);
    received.push(...updateIds(second));
    second.ws!.close(1000);

    // Every tracker object loses its memory and storage; the log is the source of truth.
    const { abortAllDurableObjects } = await import('cloudflare:test');
    await abortAllDurableObjects();
    for (let n = 9; n <= 10; n++) await step(n);
    const third = await openSocket(`run_id=${id}&since=${received.at(-1)}`);
    await eventually(async () => updateIds(third).length === 2);
    received.push(...updateIds(third));
    third.ws!.close(1000);

    expect(received).toEqual(await logIds(start, 'run_id = ?', id));
    expect(new Set(received).size).toBe(received.length);
  });

  it('a cursor older than the log keeps gets a fresh initial_data', async () => {
    const id = newId('pruned');
    await updateWorkflowRun({ id, workflow_name: 'pruned', status: 'Running' }, env);
    const [oldest] = await rows<{ id: number }>('SELECT min(id) AS id FROM workflow_events');
    await env.DB.prepare('DELETE FROM workflow_events WHERE id <= ?').bind(oldest!.id + 1).run();
    const socket = await openSocket(`run_id=${id}&since=${oldest!.id}`);
    const initial = await eventually(async () => socket.messages.find((m) => m.type === 'initial_data'));
    expect(initial).toMatchObject({ data: { runs: [{ id }] } });
    socket.ws!.close(1000);
  });

  it('a subscribe message for another topic closes with 4010 so the client reconnects there', async () => {
    const socket = await openSocket('');
    await initialCursor(socket);
    socket.ws!.send(JSON.stringify({ type: 'subscribe', topic: { workflow: 'elsewhere' } }));
    expect(await socket.closed).toEqual({ code: 4010, reason: 'workflow:elsewhere' });
  });

  it('a browser-style subscriber follows a real TrackedWorkflow run from initial_data to completion', async () => {
    const id = newId('watched');
    const statuses: SubscriptionStatus[] = [];
    const updates: EventRecord[] = [];
    let initialRuns = -1;
    const sub = subscribe({
      url: `wss://service.example/api/tracker-websocket`,
      getToken: () => token({ run_id: id }),
      topic: { run_id: id },
      WebSocket: ServiceWebSocket as unknown as typeof WebSocket,
      onInitialData: (data) => {
        initialRuns = data.runs.length;
      },
      onUpdate: (event) => updates.push(event),
      onStatus: (s) => statuses.push(s),
    });
    await eventually(async () => sub.status === 'live');
    expect(initialRuns).toBe(0);
    const instance = await env.ORDER.create({ id, params: { ref_id: 'o-1', ref_type: 'order', chargeFailures: 1 } });
    await waitForInstance(instance, ['complete']);
    await eventually(async () => sub.runs()[0]?.status === 'Completed');
    const [run] = sub.runs();
    expect(run?.steps.map((s) => [s.step_name, s.status, s.attempts])).toEqual([
      ['reserve', 'Completed', 1],
      ['charge', 'Completed', 2],
      ['ship', 'Completed', 1],
    ]);
    expect(run?.steps[1]?.attempt_history.map((a) => a.status)).toEqual(['Failed', 'Completed']);
    expect(updates.map((u) => u.id)).toEqual(await logIds(0, 'run_id = ?', id));
    expect(statuses).toEqual(['connecting', 'live']);
    sub.close();
    expect(sub.status).toBe('closed');
  });
});
