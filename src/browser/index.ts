/**
 * `@biggidea/flowflare/browser`: a dependency-free live subscriber for browsers and Workers.
 * @module
 */
export { subscribe } from './subscribe.js';
export type { SubscribeOptions, Subscription, SubscriptionStatus } from './subscribe.js';
export { RunViewStore } from './run-view.js';
export type { RunView } from './run-view.js';
export {
  CLOSE_FORBIDDEN,
  CLOSE_POLICY_VIOLATION,
  CLOSE_TOKEN_EXPIRED,
  CLOSE_TOPIC_CHANGED,
  SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
} from './protocol.js';
export type { ClientMessage, ErrorMessage, InitialDataMessage, PongMessage, ServerMessage, TopicQuery, UpdateMessage } from './protocol.js';
export type { EventRecord, RunDetail, RunRecord, StepDetail, AttemptRecord } from '../shared/types.js';
