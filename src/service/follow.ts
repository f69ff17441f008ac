import { followerOf, type FollowRequest } from '../engine/follow-request.js';
import { TIMED_OUT, TRACKER_CALL_TIMEOUT_MS, withDeadline } from '../shared/deadline.js';
import { workflowBindingName } from './bindings.js';
import type { ResolvedOptions } from './options.js';

/**
 * Asks each run's follower to follow it. A follower that cannot be reached is logged: the run is
 * then followed from its next control action or signal, and its records stay as started until then.
 * @param facts what the sender knows of the run (given with one run: a start whose record D1 refused)
 * @returns true when every run's follower took the request in time
 */
export async function followRuns(
  env: object,
  runs: { runId: string; input: { workflow: string } }[],
  options: ResolvedOptions,
  facts: Partial<FollowRequest> = {},
): Promise<boolean> {
  const taken = await Promise.all(
    runs.map(async ({ runId, input }) => {
      const follower = followerOf(env, runId);
      if (!follower) return false;
      try {
        const asked = follower.follow({ ...facts, runId, workflowName: input.workflow, binding: workflowBindingName(input.workflow, options) });
        if ((await withDeadline(asked, TRACKER_CALL_TIMEOUT_MS)) !== TIMED_OUT) return true;
        console.error(`[flowflare] the follower of run ${runId} did not answer in time; the stalled-run sweep asks it again`);
      } catch (error) {
        console.error(`[flowflare] could not ask the follower of run ${runId} to follow it:`, error);
      }
      return false;
    }),
  );
  return taken.every(Boolean);
}
