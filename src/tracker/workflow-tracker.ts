import { DurableObject } from 'cloudflare:workers';
import { listRunRows } from '../db/queries.js';
import { toRun } from '../db/rows.js';
import type { EventRecord, RunRecord } from '../shared/types.js';

/** The bindings the tracker reads. */
export interface TrackerEnv {
  DB: D1Database;
}

/** Runs sent to a socket when it connects. */
export const INITIAL_RUNS = 50;

/** What a socket receives first: the newest runs. */
export interface InitialDataMessage {
  type: 'initial_data';
  data: { runs: RunRecord[] };
}

/** What a socket receives for each change. */
export interface UpdateMessage {
  type: 'update';
  data: EventRecord;
}

/** Per-connection state, kept in the socket's attachment so it survives hibernation. */
interface Attachment {
  connectedAt: string;
}

/**
 * The Durable Object behind `/api/tracker-websocket`. It uses the hibernation API: sockets are
 * accepted with `ctx.acceptWebSocket`, so an idle tracker is evicted from memory while its sockets
 * stay open, and nothing about a connection lives in instance fields.
 *
 * Export it from the service Worker and bind it as `WORKFLOW_TRACKER`.
 * @example
 * export { WorkflowTracker } from '@biggidea/flowflare';
 */
export class WorkflowTracker<Env extends TrackerEnv = TrackerEnv> extends DurableObject<Env> {
  /** Accepts a WebSocket upgrade and sends `{ type: "initial_data", data: { runs } }`. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json(
        { error: { code: 'BAD_REQUEST', message: 'Expected a WebSocket upgrade (Upgrade: websocket).' } },
        { status: 426 },
      );
    }
    const pair = new WebSocketPair();
    const client = pair[0];
    const server = pair[1];
    this.ctx.acceptWebSocket(server, ['all']);
    server.serializeAttachment({ connectedAt: new Date().toISOString() } satisfies Attachment);
    const page = await listRunRows(this.env.DB, {}, INITIAL_RUNS);
    const initial: InitialDataMessage = { type: 'initial_data', data: { runs: page.rows.map(toRun) } };
    server.send(JSON.stringify(initial));
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Sends events to every connected socket as `{ type: "update", data: event }`.
   * @returns the number of sockets written to
   */
  async publish(events: EventRecord[]): Promise<number> {
    const sockets = this.ctx.getWebSockets();
    for (const event of events) {
      const text = JSON.stringify({ type: 'update', data: event } satisfies UpdateMessage);
      for (const ws of sockets) {
        try {
          ws.send(text);
        } catch {
          // a socket closing right now; its close handler cleans up
        }
      }
    }
    return sockets.length;
  }

  /** Number of open sockets (for health checks and tests). */
  async connections(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  /** Answers `{"type":"ping"}` with `{"type":"pong"}`; other messages are ignored. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message !== 'string') return;
    try {
      const parsed = JSON.parse(message) as { type?: unknown };
      if (parsed.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    } catch {
      // not JSON: nothing to answer
    }
  }

  /** Completes the closing handshake the client started. */
  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  /** Logs a socket error; the runtime closes the socket. */
  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    console.error('[flowflare] WorkflowTracker socket error:', error);
  }
}
