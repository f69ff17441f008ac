import { signToken } from '../../live/token.js';
import { topicQueryToTopic } from '../../live/topic-query.js';
import { topicKey } from '../../live/topics.js';
import type { TokenResult } from '../../shared/api.js';
import { callerOf, json } from '../context.js';
import type { RouteHandlers } from '../route-table.js';
import { signingSecrets } from '../socket-auth.js';
import { serviceDb } from '../storage.js';
import { assertTopicInScope } from '../topic-scope.js';

/** `POST /api/tokens`: mints a short-lived subscription token for one topic, for a browser. */
export function tokenHandlers(): Pick<RouteHandlers, 'createToken'> {
  return {
  createToken: async ({ request, env, body: input }) => {
    const caller = callerOf(request);
    const topic = topicQueryToTopic(input.topic);
    await assertTopicInScope(serviceDb(env), caller, topic);
    const scope = topicKey(topic);
    const { token, claims } = await signToken(signingSecrets(env)[0]!, scope, input.ttl_seconds, Date.now(), caller.keyId);
    const body: TokenResult = { token, scope, expires_at: new Date(claims.exp * 1000).toISOString() };
    return json(body, 201);
  },
  };
}
