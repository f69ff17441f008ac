import { exports } from 'cloudflare:workers';
import type { ServerMessage } from '../../src/browser/protocol.js';
import { KEY } from '../service/api.js';

/** What a test socket saw. */
export interface TestSocket {
  status: number;
  body: unknown;
  ws: WebSocket | null;
  protocol: string | null;
  messages: ServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Credentials and extras of a test connection. */
export interface OpenOptions {
  key?: string;
  token?: string;
  protocolToken?: string;
  origin?: string;
  upgrade?: boolean;
}

/** Opens `/api/tracker-websocket?<query>` on the service and records every message. */
export async function openSocket(query: string, options: OpenOptions = { key: KEY }): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  if (options.upgrade !== false) headers.Upgrade = 'websocket';
  if (options.key) headers['X-API-Key'] = options.key;
  if (options.origin) headers.Origin = options.origin;
  if (options.protocolToken) headers['Sec-WebSocket-Protocol'] = `flowflare, flowflare-token.${options.protocolToken}`;
  const params = new URLSearchParams(query);
  if (options.token) params.set('token', options.token);
  const response = await exports.default.fetch(`https://service.example/api/tracker-websocket?${params}`, { headers });
  const ws = response.webSocket;
  const messages: ServerMessage[] = [];
  let body: unknown = null;
  let closed: Promise<{ code: number; reason: string }> = Promise.resolve({ code: 0, reason: 'never opened' });
  if (ws) {
    ws.accept();
    ws.addEventListener('message', (e: MessageEvent) => {
      messages.push(JSON.parse(String(e.data)) as ServerMessage);
    });
    closed = new Promise((resolve) => ws.addEventListener('close', (e: CloseEvent) => resolve({ code: e.code, reason: e.reason })));
  } else {
    body = await response.json().catch(() => null);
  }
  return { status: response.status, body, ws, protocol: response.headers.get('Sec-WebSocket-Protocol'), messages, closed };
}

/** The update messages' event ids. */
export function updateIds(socket: TestSocket): number[] {
  return socket.messages.flatMap((m) => (m.type === 'update' ? [m.data.id] : []));
}

/**
 * A `WebSocket` for the browser subscriber that connects to the service Worker in this process
 * (tests cannot dial out), with the same events a browser's socket fires.
 */
export class ServiceWebSocket extends EventTarget {
  #ws: WebSocket | null = null;
  readyState = 0;

  constructor(url: string, protocols: string[] = []) {
    super();
    void this.#open(url, protocols);
  }

  async #open(url: string, protocols: string[]): Promise<void> {
    const response = await exports.default.fetch(url.replace(/^ws/, 'http'), {
      headers: { Upgrade: 'websocket', 'Sec-WebSocket-Protocol': protocols.join(', ') },
    });
    const ws = response.webSocket;
    if (!ws) {
      this.readyState = 3;
      this.dispatchEvent(new CloseEvent('close', { code: 1006, reason: '' }));
      return;
    }
    ws.accept();
    this.#ws = ws;
    this.readyState = 1;
    ws.addEventListener('message', (e: MessageEvent) => this.dispatchEvent(new MessageEvent('message', { data: e.data })));
    ws.addEventListener('close', (e: CloseEvent) => {
      this.readyState = 3;
      this.dispatchEvent(new CloseEvent('close', { code: e.code, reason: e.reason }));
    });
    this.dispatchEvent(new Event('open'));
  }

  send(data: string): void {
    this.#ws?.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#ws?.close(code, reason);
  }
}
