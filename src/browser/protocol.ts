import type { EventRecord, RunDetail } from '../shared/types.js';

/** Close code: the subscription token expired; get a new one and reconnect. */
export const CLOSE_TOKEN_EXPIRED = 4001;
/** Close code: the socket asked for a topic its token does not cover. */
export const CLOSE_FORBIDDEN = 4003;
/** Close code: the socket asked for another topic; reconnect with it (the subscriber does). */
export const CLOSE_TOPIC_CHANGED = 4010;
/** Close code (the standard policy violation): the socket sent too many frames that are not client messages. */
export const CLOSE_POLICY_VIOLATION = 1008;

/** Sub-protocol the service speaks; a token may ride along as `flowflare-token.<token>`. */
export const SUBPROTOCOL = 'flowflare';
/** Prefix of the sub-protocol value that carries a token. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'flowflare-token.';

/** First message on a socket: the topic's current state and the event id it is consistent with. */
export interface InitialDataMessage {
  type: 'initial_data';
  data: {
    /** Topic key, such as `run:abc` or `all`. */
    topic: string;
    /** Id of the newest event reflected in `runs`; resume from here with `since`. */
    cursor: number;
    /** The topic's runs, newest first (one for a run topic), with their steps and attempts. */
    runs: RunDetail[];
  };
}

/** One tracked change, in event-id order. */
export interface UpdateMessage {
  type: 'update';
  data: EventRecord;
}

/**
 * Something the server wants the client to know: why it closes a socket (`RECONNECT`,
 * `TOKEN_EXPIRED`), or why it did not read a frame the client sent (`BAD_MESSAGE`, `BAD_TOPIC`).
 */
export interface ErrorMessage {
  type: 'error';
  error: { code: string; message: string };
}

/** The answer to `{"type":"ping"}`. */
export interface PongMessage {
  type: 'pong';
}

/** Every message the server sends. */
export type ServerMessage = InitialDataMessage | UpdateMessage | ErrorMessage | PongMessage;

/** A topic as the query string of `/api/tracker-websocket` gives it. */
export type TopicQuery = { run_id: string } | { workflow: string } | { ref_type: string; ref_id: string } | 'all';

/** Messages a client may send. */
export type ClientMessage = { type: 'subscribe'; topic: TopicQuery } | { type: 'ping' };
