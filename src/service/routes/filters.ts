import type { Caller } from '../../shared/access.js';
import { ForbiddenError } from '../../shared/errors.js';
import type { RunFilters } from '../../store/queries.js';

/** A validated list or counts query. */
interface FilterQuery {
  workflow?: string;
  status?: string;
  ref_type?: string;
  ref_id?: string;
  since?: string;
  until?: string;
  metadata_key?: string;
  metadata_value?: string;
}

/**
 * Maps query parameters to the data layer's filters, narrowed to the caller's scopes: a scope of
 * one workflow (or one `ref_type`) becomes that filter, so the query keeps its index; a filter
 * outside the scopes is a 403 that names them.
 */
export function toRunFilters(q: FilterQuery, caller: Caller): RunFilters {
  const workflow = narrow('workflow', q.workflow, caller.scopes?.workflows, caller);
  const refType = narrow('ref_type', q.ref_type, caller.scopes?.ref_types, caller);
  return {
    workflow_name: workflow.value,
    status: q.status,
    ref_type: refType.value,
    ref_id: q.ref_id,
    since: q.since,
    until: q.until,
    metadata:
      q.metadata_key !== undefined && q.metadata_value !== undefined ? { key: q.metadata_key, value: q.metadata_value } : undefined,
    within: workflow.within || refType.within ? { workflows: workflow.within, ref_types: refType.within } : undefined,
  };
}

function narrow(field: string, asked: string | undefined, allowed: readonly string[] | undefined, caller: Caller): { value?: string; within?: readonly string[] } {
  if (!allowed) return { value: asked };
  if (asked !== undefined) {
    if (!allowed.includes(asked)) throw new ForbiddenError(`This key (${caller.name}) may only see ${field} ${allowed.join(', ')}; not '${asked}'.`);
    return { value: asked };
  }
  return allowed.length === 1 ? { value: allowed[0] } : { within: allowed };
}
