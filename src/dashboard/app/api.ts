import type { TopicQuery } from '../../browser/protocol.js';
import { FlowflareError, WorkflowClient } from '../../client/index.js';
import { roleIncludes, type Caller, type Role } from '../../shared/access.js';

/** Life of the subscription tokens the page asks for, in seconds; the subscriber renews them. */
const TOKEN_TTL_SECONDS = 15 * 60;

/** The page's access to the service: the REST client and subscription tokens, both with the key. */
export interface Api {
  client: WorkflowClient;
  /** A short-lived token for one topic, for the WebSocket (the key never goes to the socket). */
  token(topic: TopicQuery): Promise<string>;
  /** The service's WebSocket URL. */
  websocketUrl: string;
  /** Who the key is: its name, role and scopes (the page shows only what the role allows). */
  caller: Caller;
}

/** The API of the service that served the page, with the given key, once the service has said who the key is. */
export async function signIn(apiKey: string, origin = location.origin): Promise<Api> {
  const client = new WorkflowClient({ baseUrl: origin, apiKey });
  const { caller } = await client.whoami();
  return {
    client,
    caller,
    websocketUrl: `${origin.replace(/^http/, 'ws')}/api/tracker-websocket`,
    async token(topic) {
      return (await client.createSubscriptionToken(topic, TOKEN_TTL_SECONDS)).token;
    },
  };
}

/** True when the signed-in key's role includes `role`. */
export function can(api: Api, role: Role): boolean {
  return roleIncludes(api.caller.role, role);
}

/** True when the service refused the key. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof FlowflareError && error.status === 401;
}

/** A one-line description of an error for the page. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
