import type { TopicQuery } from '../../browser/protocol.js';
import { FINAL_RUN_STATUSES, type RunStatus } from '../../shared/status.js';
import type { EventRecord } from '../../shared/types.js';

/** The filters Insights follows live: those of the run list. */
export interface InsightsFilters {
  workflow?: string | undefined;
  ref_type?: string | undefined;
  ref_id?: string | undefined;
}

/** The narrowest live topic that covers the filters: the business object, else the workflow, else everything. */
export function topicOfFilters(filters: InsightsFilters): TopicQuery {
  if (filters.ref_type && filters.ref_id) return { ref_type: filters.ref_type, ref_id: filters.ref_id };
  return filters.workflow ? { workflow: filters.workflow } : 'all';
}

/** True when a live event is a run reaching Completed, Errored or Terminated inside the filters: the metrics changed. */
export function endsRunInside(event: EventRecord, filters: InsightsFilters): boolean {
  if (event.kind !== 'run' || !FINAL_RUN_STATUSES.includes(event.data.status as RunStatus)) return false;
  if (filters.workflow && event.workflow_name !== filters.workflow) return false;
  if (filters.ref_type && event.ref_type !== filters.ref_type) return false;
  return !filters.ref_id || event.ref_id === filters.ref_id;
}

/** How long Insights waits after a run finishes before reading the metrics again, so a burst of runs costs one read. */
export const REFRESH_DEBOUNCE_MS = 1000;

/** Calls `run` once, {@link REFRESH_DEBOUNCE_MS} after the last of a burst of `schedule()` calls. */
export function debounced(run: () => void, ms = REFRESH_DEBOUNCE_MS): { schedule(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return {
    schedule() {
      cancel();
      timer = setTimeout(() => ((timer = null), run()), ms);
    },
    cancel,
  };
}
