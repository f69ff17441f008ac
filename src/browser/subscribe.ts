import type { EventRecord } from '../shared/types.js';
import {
  CLOSE_FORBIDDEN,
  CLOSE_TOKEN_EXPIRED,
  CLOSE_TOPIC_CHANGED,
  SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  type InitialDataMessage,
  type ServerMessage,
  type TopicQuery,
} from './protocol.js';
import { RunViewStore, type RunView } from './run-view.js';
import { closeSocket } from '../shared/close-socket.js';

/**
 * Connection state, for a UI to show: `live` once a socket is open and the runs are the topic's
 * (at `initial_data`, or as soon as the socket opens when it resumes from a cursor), `reconnecting`
 * from a drop until then.
 */
export type SubscriptionStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'closed';

/** Options of {@link subscribe}. */
export interface SubscribeOptions {
  /** The service's WebSocket URL, e.g. `wss://flows.example.com/api/tracker-websocket`. */
  url: string;
  /** A subscription token (from `POST /api/tokens` or `WorkflowClient.createSubscriptionToken`). */
  token?: string;
  /** Gets a fresh token; called at the first connect without `token` and whenever a token expired. */
  getToken?: () => string | Promise<string>;
  /** What to follow. @default 'all' */
  topic?: TopicQuery;
  /** Resume after this event id instead of starting from `initial_data`. */
  since?: number;
  /** Called with the topic's state on every (re)connect that starts afresh. */
  onInitialData?: (data: InitialDataMessage['data'], runs: RunView[]) => void;
  /** Called for each change, in event order, with the merged runs after it. */
  onUpdate?: (event: EventRecord, runs: RunView[]) => void;
  /** Called when the connection state changes. */
  onStatus?: (status: SubscriptionStatus, detail?: string) => void;
  /** Reconnect delays: the first, and the cap of the exponential growth. @default { initialMs: 500, maxMs: 30000 } */
  backoff?: { initialMs?: number; maxMs?: number };
  /** WebSocket implementation, for runtimes without a global one. */
  WebSocket?: typeof WebSocket;
  /** fetch implementation, used to tell an auth rejection from a network failure. */
  fetch?: typeof fetch;
}

/** A live subscription. */
export interface Subscription {
  /** Current connection state. */
  readonly status: SubscriptionStatus;
  /** Id of the last event received; a reconnect resumes from it. */
  readonly cursor: number | null;
  /** The merged runs of the topic, newest first. */
  runs(): RunView[];
  /** Follows another topic (reconnects, starting afresh). */
  setTopic(topic: TopicQuery): void;
  /** Closes for good. */
  close(): void;
}

/**
 * Subscribes to live workflow updates: connects, keeps a merged view of the topic's runs,
 * reconnects with exponential backoff and jitter, resumes from the last event id with no gap and
 * no duplicate, fetches a fresh token when the old one expired, and stops (status `unauthorized`)
 * instead of looping when the service rejects the credentials. No dependencies; runs in browsers,
 * Workers and Node.js 22.
 * @example
 * const sub = subscribe({
 *   url: 'wss://flows.example.com/api/tracker-websocket',
 *   getToken: () => fetch('/my-app/flowflare-token').then((r) => r.text()),
 *   topic: { ref_type: 'campaign', ref_id: 'campaign-123' },
 *   onUpdate: (event, runs) => render(runs),
 * });
 */
export function subscribe(options: SubscribeOptions): Subscription {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const doFetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const store = new RunViewStore();
  let topic: TopicQuery = options.topic ?? 'all';
  let token = options.token;
  let cursor: number | null = options.since ?? null;
  let status: SubscriptionStatus = 'connecting';
  let socket: WebSocket | null = null;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const setStatus = (next: SubscriptionStatus, detail?: string) => {
    if (status === next && detail === undefined) return;
    status = next;
    options.onStatus?.(next, detail);
  };

  // The backoff starts over once a connection works: its socket is open and the runs are the topic's.
  const live = () => {
    failures = 0;
    setStatus('live');
  };

  const urlFor = (withToken: string | undefined, resume: boolean): string => {
    const url = new URL(options.url);
    for (const key of ['run_id', 'workflow', 'ref_type', 'ref_id', 'since', 'token']) url.searchParams.delete(key);
    if (topic !== 'all') for (const [k, v] of Object.entries(topic)) url.searchParams.set(k, v);
    if (resume && cursor !== null) url.searchParams.set('since', String(cursor));
    if (withToken) url.searchParams.set('token', withToken);
    return url.toString();
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    if (!token && options.getToken) {
      try {
        token = await options.getToken();
      } catch (error) {
        return retry(`getToken failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (stopped) return;
    const protocols = token ? [SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${token}`] : [SUBPROTOCOL];
    const ws = new Socket(urlFor(undefined, true), protocols);
    socket = ws;
    let opened = false;
    // The service opens a socket only once the topic's tracker has taken it, after replaying the
    // events since the cursor: a resumed socket is live when open, even if the topic stays quiet.
    // A fresh one is live with its first message, `initial_data`, which brings the state.
    const resuming = cursor !== null;
    ws.addEventListener('open', () => {
      opened = true;
      if (socket === ws && resuming) live();
    });
    ws.addEventListener('message', (event: MessageEvent) => {
      if (socket !== ws || typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'initial_data') {
        cursor = message.data.cursor;
        store.reset(message.data.runs);
        live();
        options.onInitialData?.(message.data, store.runs());
      } else if (message.type === 'update') {
        if (cursor !== null && message.data.id <= cursor) return;
        cursor = message.data.id;
        store.apply(message.data);
        options.onUpdate?.(message.data, store.runs());
      }
    });
    // A connection that fails is closed with code 1006. Browsers then fire `close`; Node's
    // WebSocket fires only `error` when the handshake fails, so `error` ends the socket too (the
    // first of the two to arrive counts).
    const ended = (event: { code: number; reason: string }) => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (event.code === CLOSE_TOKEN_EXPIRED) {
        token = undefined;
        if (!options.getToken) return unauthorized('the subscription token expired and no getToken was given');
        return void connect();
      }
      if (event.code === CLOSE_FORBIDDEN) return unauthorized(event.reason || 'the token does not cover this topic');
      if (event.code === CLOSE_TOPIC_CHANGED) return void connect();
      if (!opened) return void diagnose();
      retry(event.reason || `closed (${event.code})`);
    };
    ws.addEventListener('close', ended);
    ws.addEventListener('error', () => ended({ code: 1006, reason: '' }));
  };

  // A socket refused during the handshake shows the browser no status: ask over HTTP why.
  const diagnose = async (): Promise<void> => {
    let statusCode = 0;
    if (doFetch) {
      try {
        const httpUrl = urlFor(token, false).replace(/^ws/, 'http');
        statusCode = (await doFetch(httpUrl)).status;
      } catch {
        statusCode = 0;
      }
    }
    if (statusCode === 401 && options.getToken && token) {
      token = undefined;
      return retry('the token was refused; getting a new one');
    }
    if (statusCode === 401 || statusCode === 403) return unauthorized(`the service refused the connection (${statusCode})`);
    retry(statusCode ? `connection refused (${statusCode})` : 'connection failed');
  };

  const unauthorized = (detail: string) => {
    stopped = true;
    setStatus('unauthorized', detail);
  };

  const retry = (detail: string) => {
    if (stopped) return;
    const delay = Math.min(maxMs, initialMs * 2 ** failures) * (0.5 + Math.random() / 2);
    failures += 1;
    setStatus('reconnecting', detail);
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
  };

  options.onStatus?.('connecting');
  void connect();

  return {
    get status() {
      return status;
    },
    get cursor() {
      return cursor;
    },
    runs: () => store.runs(),
    setTopic(next: TopicQuery) {
      topic = next;
      cursor = null;
      const old = socket;
      socket = null;
      if (old) closeSocket(old, 1000, 'topic changed');
      if (timer) clearTimeout(timer);
      setStatus('connecting');
      void connect();
    },
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (socket) closeSocket(socket, 1000, 'closed by client');
      socket = null;
      setStatus('closed');
    },
  };
}
