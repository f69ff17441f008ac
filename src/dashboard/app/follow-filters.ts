import type { KeyScopes } from '../../shared/access.js';
import type { EventRecord } from '../../shared/types.js';
import type { TopicQuery } from '../../browser/protocol.js';
import { topicOfFilters } from '../../ui/insights/live.js';
import type { AppContext } from './context.js';
import { followOrPoll } from './follow.js';
import type { Filters } from './routes.js';

/**
 * The live topic that covers a filter: the business object, else the workflow, else everything;
 * for a scoped key, a topic inside its scopes (the one workflow or `ref_type` it may see), or
 * `null` when no topic covers the list for that key (the list then refreshes on a timer).
 */
export function topicFor(filters: Filters, scopes: KeyScopes | null = null): TopicQuery | null {
  const wanted = topicOfFilters(filters);
  if (!scopes) return wanted;
  if (wanted !== 'all' && 'ref_type' in wanted && !scopes.workflows && scopes.ref_types?.includes(wanted.ref_type)) return wanted;
  const workflow = filters.workflow ?? (scopes.workflows?.length === 1 ? scopes.workflows[0] : undefined);
  if (workflow && !scopes.ref_types && scopes.workflows?.includes(workflow)) return { workflow };
  return null;
}

/**
 * Keeps a filtered view current: follows the live topic that covers its filters for the key
 * (`reload` on a fresh start, which may have missed changes; `onUpdate` on each change), or, when
 * no topic does (a scoped key), calls `reload` every `pollMs` (default 5 s) and says so in the header.
 * @returns what stops it
 */
export function followFilters(ctx: AppContext, filters: Filters, handlers: { reload(): void; onUpdate(event: EventRecord): void }, pollMs?: number): { close(): void } {
  return followOrPoll(
    ctx,
    topicFor(filters, ctx.api.caller.scopes),
    handlers.reload,
    handlers.onUpdate,
    'No live topic covers these filters for this key: filter on one workflow or business object in its scope.',
    pollMs,
  );
}
