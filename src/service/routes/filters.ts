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

/** Maps query parameters to the data layer's filters. */
export function toRunFilters(q: FilterQuery): RunFilters {
  return {
    workflow_name: q.workflow,
    status: q.status,
    ref_type: q.ref_type,
    ref_id: q.ref_id,
    since: q.since,
    until: q.until,
    metadata:
      q.metadata_key !== undefined && q.metadata_value !== undefined ? { key: q.metadata_key, value: q.metadata_value } : undefined,
  };
}
