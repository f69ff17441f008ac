import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { EventRecord, InitialDataMessage, StartResult } from '../../src/index.js';
import { eventually } from '../helpers.js';
import { KEY, post } from './api.js';

/** Opens the service's WebSocket and collects what it receives. */
async function connect(headers: Record<string, string> = { 'X-API-Key': KEY }) {
  const response = await exports.default.fetch('https://service.example/api/tracker-websocket', {
    headers: { Upgrade: 'websocket', ...headers },
  });
  const ws = response.webSocket;
  const messages: { type: string; data: unknown }[] = [];
  if (ws) {
    ws.accept();
    ws.addEventListener('message', (e: MessageEvent) => {
      messages.push(JSON.parse(String(e.data)) as { type: string; data: unknown });
    });
  }
  return { response, ws, messages };
}

describe('the WorkflowTracker WebSocket', () => {
  it('sends initial_data with the newest runs, then an update for each change the service makes', async () => {
    const started = await post<StartResult>('/api/runs', { workflow: 'control', params: { waitForEvent: true } });
    const { response, ws, messages } = await connect();
    expect(response.status).toBe(101);
    const initial = await eventually(async () => messages.find((m) => m.type === 'initial_data') as InitialDataMessage | undefined);
    expect(initial.data.runs.map((r) => r.id)).toContain(started.body.workflowId);

    const next = await post<StartResult>('/api/runs', { workflow: 'control', ref_type: 'live', ref_id: 'r1' });
    const update = await eventually(async () =>
      messages.find((m) => m.type === 'update' && (m.data as EventRecord).run_id === next.body.workflowId),
    );
    expect(update.data).toMatchObject({ kind: 'run', ref_type: 'live', ref_id: 'r1', data: { status: 'Queued' } });

    // terminate the first run once it rests in waitForEvent
    await eventually(async () => (await env.DB.prepare('SELECT status FROM workflow_runs WHERE id = ?').bind(started.body.workflowId).first('status')) === 'Waiting');
    await post(`/api/runs/${started.body.workflowId}/terminate`, {});
    const control = await eventually(async () =>
      messages.find((m) => m.type === 'update' && (m.data as EventRecord).kind === 'control'),
    );
    expect(control.data).toMatchObject({ run_id: started.body.workflowId, data: { action: 'terminate', status: 'Terminated' } });

    ws!.send(JSON.stringify({ type: 'ping' }));
    await eventually(async () => messages.some((m) => m.type === 'pong'));
    ws!.close(1000, 'done');
  });

  it('is authenticated and checks the origin like every route', async () => {
    expect((await connect({})).response.status).toBe(401);
    expect((await connect({ 'X-API-Key': KEY, Origin: 'https://evil.example' })).response.status).toBe(403);
  });

  it('the tracker counts its open sockets (hibernation keeps no socket state in memory)', async () => {
    const stub = env.WORKFLOW_TRACKER.get(env.WORKFLOW_TRACKER.idFromName('all'));
    const before = await stub.connections();
    const { ws } = await connect();
    expect(await stub.connections()).toBe(before + 1);
    ws!.close(1000, 'bye');
    await eventually(async () => (await stub.connections()) === before);
  });
});
