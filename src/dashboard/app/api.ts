import type { TopicQuery } from '../../browser/protocol.js';
import { FlowflareError, WorkflowClient } from '../../client/index.js';

/** Life of the subscription tokens the page asks for, in seconds; the subscriber renews them. */
const TOKEN_TTL_SECONDS = 15 * 60;

/** The page's access to the service: the REST client and subscription tokens, both with the key. */
export interface Api {
  client: WorkflowClient;
  /** A short-lived token for one topic, for the WebSocket (the key never goes to the socket). */
  token(topic: TopicQuery): Promise<string>;
  /** The service's WebSocket URL. */
  websocketUrl: string;
}

/** The API of the service that served the page, with the given key. */
export function createApi(apiKey: string, origin = location.origin): Api {
  const client = new WorkflowClient({ baseUrl: origin, apiKey });
  return {
    client,
    websocketUrl: `${origin.replace(/^http/, 'ws')}/api/tracker-websocket`,
    async token(topic) {
      return (await client.createSubscriptionToken(topic, TOKEN_TTL_SECONDS)).token;
    },
  };
}

/** True when the service refused the key. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof FlowflareError && error.status === 401;
}

/** A one-line description of an error for the page. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
