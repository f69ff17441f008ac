import { DurableObject } from 'cloudflare:workers';
import { toEvent, type EventRow } from '../store/rows.js';
import { latestEventId, listTopicEvents, oldestEventId, readTopicSnapshot } from '../store/topic-events.js';
import { CLOSE_POLICY_VIOLATION, CLOSE_TOKEN_EXPIRED, CLOSE_TOPIC_CHANGED, type ServerMessage } from '../browser/protocol.js';
import { parseTopicKey, type Topic } from './topics.js';
import { MAX_BAD_FRAMES, readClientFrame } from './client-frames.js';
import { snapshotToRuns } from './snapshot.js';
import type { FollowRequest } from '../engine/follow-request.js';
import { RunFollower } from '../engine/follower.js';
import { TRACKER_HEADERS } from './headers.js';
import { closeSocket } from '../shared/close-socket.js';

/** The bindings a tracker reads. */
export interface TrackerEnv {
  DB: D1Database;
}

/** Runs sent in `initial_data` for a topic. */
export const INITIAL_RUNS = 50;
/** Events read from the log per round trip while catching up. */
const PAGE = 500;

/** What each socket keeps in its attachment (survives hibernation). */
interface Attachment {
  topic: string;
  /** Token expiry (epoch ms), or null for a socket opened with the API key. */
  exp: number | null;
  /** Frames the socket sent that were not client messages (absent until the first). */
  bad?: number;
}

/**
 * The Durable Object behind `/api/tracker-websocket`: one object per topic (everything, a run, a
 * workflow, a business object), so no single object holds every socket. It uses the hibernation API
 * only: sockets are accepted with `ctx.acceptWebSocket`, per-socket state lives in attachments,
 * heartbeats (`ping` → `pong`) are answered by the runtime without waking the object.
 *
 * Delivery reads the event log: a publish tells the object that the log grew, and the object sends
 * every new event of its topic, in id order, to every socket. A socket therefore sees each event
 * once, in order, with no gap, whatever order publishes arrive in.
 *
 * Export it from the service Worker and bind it as `WORKFLOW_TRACKER`.
 * @example
 * export { WorkflowTracker } from '@biggidea/flowflare';
 */
export class WorkflowTracker<Env extends TrackerEnv = TrackerEnv> extends DurableObject<Env> {
  private cursor: number | null = null;
  private topic: Topic | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  private catchUpQueued = false;
  private readonly follower: RunFollower;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.follower = new RunFollower(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** Accepts a socket the service Worker has authenticated, and starts it at its topic's state. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return Response.json({ error: { code: 'UPGRADE_REQUIRED', message: 'Expected a WebSocket upgrade (Upgrade: websocket).' } }, { status: 426 });
    }
    const key = request.headers.get(TRACKER_HEADERS.topic) ?? 'all';
    const sinceHeader = request.headers.get(TRACKER_HEADERS.since);
    const expHeader = request.headers.get(TRACKER_HEADERS.expires);
    const since = sinceHeader === null ? null : Number(sinceHeader);
    const exp = expHeader === null ? null : Number(expHeader);
    await this.rememberTopic(key);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    await this.exclusive(() => this.join(server, since, { topic: key, exp }));
    if (exp !== null) await this.scheduleExpiry(exp);
    const protocol = request.headers.get(TRACKER_HEADERS.protocol);
    return new Response(null, { status: 101, webSocket: client, headers: protocol ? { 'Sec-WebSocket-Protocol': protocol } : {} });
  }

  /**
   * Tells the tracker that the event log grew up to `latestId` for its topic; it sends what its
   * sockets have not seen. One call per topic per write, whatever the number of sockets.
   * @returns the number of open sockets
   */
  async publish(key: string, latestId: number): Promise<number> {
    await this.rememberTopic(key);
    if ((this.cursor !== null && latestId <= this.cursor) || this.catchUpQueued) return this.ctx.getWebSockets().length;
    this.catchUpQueued = true;
    await this.exclusive(async () => {
      this.catchUpQueued = false;
      // With nobody listening there is nothing to send: move the cursor without reading the log
      // (a tracker that has no cursor yet starts at this event, as it would at the log's end).
      if (this.ctx.getWebSockets().length === 0) {
        const current = this.cursor ?? (await this.ctx.storage.get<number>('cursor')) ?? 0;
        if (latestId > current) await this.saveCursor(latestId);
        else this.cursor = current;
      } else {
        await this.catchUp(null);
      }
    });
    return this.ctx.getWebSockets().length;
  }

  /**
   * Follows a run's engine events into D1 (on the object named `follow:<runId>`): see
   * {@link RunFollower}. Returns at once; the following happens in this object's alarm.
   */
  async follow(request: FollowRequest): Promise<void> {
    await this.follower.follow(request);
  }

  /** Waits until the run this object follows has every engine event published so far recorded. */
  async sync(timeoutMs?: number): Promise<void> {
    await this.follower.sync(timeoutMs);
  }

  /** Tells the follower its run was restarted: the records start a new history. */
  async restarted(): Promise<void> {
    await this.follower.restarted();
  }

  /** Number of open sockets (for health checks and tests). */
  async connections(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  /**
   * `{"type":"ping"}` is answered with `{"type":"pong"}`. `{"type":"subscribe","topic":…}` for
   * another topic closes the socket with 4010 and the topic's key (cut to the 123 bytes a close
   * reason may hold; the `RECONNECT` error before it names the whole key), so that the client
   * reconnects to the tracker that serves it (the browser subscriber does this by itself). Any
   * other frame is answered with a `BAD_MESSAGE` (or `BAD_TOPIC`) error; the socket's
   * {@link MAX_BAD_FRAMES}th such frame closes it with 1008.
   */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Frames still arriving on a socket the tracker closed (a flood of them) get no work at all.
    if (ws.readyState !== WebSocket.OPEN) return;
    const frame = readClientFrame(message);
    if (frame.type === 'ping') return send(ws, { type: 'pong' });
    const attachment = ws.deserializeAttachment() as Attachment;
    if (frame.type === 'bad') return refuse(ws, attachment, frame.code, frame.message);
    if (frame.key === attachment.topic) return;
    send(ws, { type: 'error', error: { code: 'RECONNECT', message: `reconnect to follow topic ${frame.key}` } });
    closeSocket(ws, CLOSE_TOPIC_CHANGED, frame.key);
  }

  /** Completes the closing handshake the client started. */
  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    closeSocket(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
  }

  /** Logs a socket error; the runtime closes the socket. */
  override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
    console.error('[flowflare] WorkflowTracker socket error:', error);
  }

  /** Follows a run (see {@link follow}), or closes sockets whose token expired (code 4001) and schedules the next expiry. */
  override async alarm(): Promise<void> {
    // An object that follows a run holds no sockets; its alarm is the follower's.
    if (await this.follower.active()) return this.follower.alarm();
    const now = Date.now();
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const { exp } = ws.deserializeAttachment() as Attachment;
      if (exp === null) continue;
      if (exp <= now) expire(ws);
      else next = next === null ? exp : Math.min(next, exp);
    }
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  private async join(server: WebSocket, since: number | null, attachment: Attachment): Promise<void> {
    const topic = this.topic ?? parseTopicKey(attachment.topic);
    await this.catchUp(null);
    const cursor = await this.loadCursor();
    if (since !== null && Number.isFinite(since) && since <= cursor && (await this.logKeepsAfter(since))) {
      this.accept(server, attachment);
      for (let after = since; ; ) {
        const rows = await listTopicEvents(this.env.DB, topic, after, cursor, PAGE);
        for (const row of rows) send(server, { type: 'update', data: toEvent(row) });
        if (rows.length < PAGE) break;
        after = rows.at(-1)!.id;
      }
      return;
    }
    const snapshot = await readTopicSnapshot(this.env.DB, topic, INITIAL_RUNS);
    await this.catchUp(snapshot.cursor);
    if (snapshot.cursor > (await this.loadCursor())) await this.saveCursor(snapshot.cursor);
    this.accept(server, attachment);
    send(server, { type: 'initial_data', data: { topic: attachment.topic, cursor: snapshot.cursor, runs: snapshotToRuns(snapshot) } });
  }

  private accept(server: WebSocket, attachment: Attachment): void {
    this.ctx.acceptWebSocket(server, [attachment.topic]);
    server.serializeAttachment(attachment);
  }

  /** Sends every event after the cursor (up to `upTo`) to every socket, in id order. */
  private async catchUp(upTo: number | null): Promise<void> {
    const topic = this.topic;
    if (!topic) return;
    let cursor = await this.loadCursor();
    for (;;) {
      const rows = await listTopicEvents(this.env.DB, topic, cursor, upTo, PAGE);
      if (rows.length === 0) break;
      this.deliver(rows);
      cursor = rows.at(-1)!.id;
      await this.saveCursor(cursor);
      if (rows.length < PAGE) break;
    }
  }

  private deliver(rows: EventRow[]): void {
    const messages = rows.map((row) => JSON.stringify({ type: 'update', data: toEvent(row) } satisfies ServerMessage));
    const now = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const { exp } = ws.deserializeAttachment() as Attachment;
      if (exp !== null && exp <= now) {
        expire(ws);
        continue;
      }
      try {
        for (const message of messages) ws.send(message);
      } catch {
        // a socket closing right now; its close handler cleans up
      }
    }
  }

  private async logKeepsAfter(since: number): Promise<boolean> {
    const oldest = await oldestEventId(this.env.DB);
    return oldest === null || oldest <= since + 1;
  }

  private async rememberTopic(key: string): Promise<void> {
    if (this.topic) return;
    this.topic = parseTopicKey(key);
  }

  private async loadCursor(): Promise<number> {
    if (this.cursor === null) {
      this.cursor = (await this.ctx.storage.get<number>('cursor')) ?? (await latestEventId(this.env.DB));
    }
    return this.cursor;
  }

  private async saveCursor(cursor: number): Promise<void> {
    this.cursor = cursor;
    await this.ctx.storage.put('cursor', cursor);
  }

  private async scheduleExpiry(exp: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > exp) await this.ctx.storage.setAlarm(exp);
  }

  /** Runs `work` after everything queued before it: joins and deliveries never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch((error: unknown) => console.error('[flowflare] WorkflowTracker:', error));
    return run;
  }
}

function send(ws: WebSocket, message: ServerMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // closing
  }
}

/** Answers a frame the tracker does not read, and closes a socket that sent too many of them. */
function refuse(ws: WebSocket, attachment: Attachment, code: string, message: string): void {
  send(ws, { type: 'error', error: { code, message } });
  const bad = (attachment.bad ?? 0) + 1;
  if (bad >= MAX_BAD_FRAMES) return closeSocket(ws, CLOSE_POLICY_VIOLATION, `${bad} frames that are not client messages`);
  ws.serializeAttachment({ ...attachment, bad } satisfies Attachment);
}

function expire(ws: WebSocket): void {
  send(ws, { type: 'error', error: { code: 'TOKEN_EXPIRED', message: 'the subscription token expired; reconnect with a new one' } });
  closeSocket(ws, CLOSE_TOKEN_EXPIRED, 'token expired');
}
