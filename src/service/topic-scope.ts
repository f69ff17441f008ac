import type { Caller } from '../shared/access.js';
import { ForbiddenError } from '../shared/errors.js';
import type { Topic } from '../live/topics.js';
import { getRunTopicFields } from '../store/runs.js';
import { describeScopes, inScope } from './access.js';

/**
 * Throws a 403 unless every run the topic can carry is in the caller's scope: `all` needs an
 * unscoped key; a workflow topic a key scoped to that workflow (and to no `ref_type`s); a
 * business-object topic a key scoped to that `ref_type` (and to no workflows); a run topic a run
 * in scope.
 */
export async function assertTopicInScope(db: D1Database, caller: Caller, topic: Topic): Promise<void> {
  const s = caller.scopes;
  if (!s) return;
  let allowed = false;
  switch (topic.kind) {
    case 'all':
      break;
    case 'workflow':
      allowed = s.ref_types === undefined && (s.workflows?.includes(topic.name) ?? false);
      break;
    case 'ref':
      allowed = s.workflows === undefined && (s.ref_types?.includes(topic.refType) ?? false);
      break;
    case 'run': {
      const run = await getRunTopicFields(db, topic.runId);
      allowed = run !== null && inScope(caller, run);
      break;
    }
  }
  if (!allowed) throw new ForbiddenError(`This key (${caller.name}) is scoped to ${describeScopes(s)}; it cannot follow that topic live. Follow a topic inside the scope.`);
}
