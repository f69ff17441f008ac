import { followerOf } from '../engine/follow-request.js';
import type { Statement } from '../store/statement.js';
import { TIMED_OUT, TRACKER_CALL_TIMEOUT_MS, withDeadline } from '../shared/deadline.js';
import { workflowBindingName } from './bindings.js';
import type { ResolvedOptions } from './options.js';

/**
 * Asks each run's follower to follow it. A follower that cannot be reached is logged: the run is
 * then followed from its next control action or signal, and its records stay as started until then.
 * @param statements writes D1 refused (a start's record), for the follower to make with the run's
 *   first engine events; given with one run
 */
export async function followRuns(
  env: object,
  runs: { runId: string; input: { workflow: string } }[],
  options: ResolvedOptions,
  statements?: Statement[],
): Promise<void> {
  await Promise.all(
    runs.map(async ({ runId, input }) => {
      const follower = followerOf(env, runId);
      if (!follower) return;
      try {
        const asked = follower.follow({
          runId,
          workflowName: input.workflow,
          binding: workflowBindingName(input.workflow, options),
          ...(statements ? { statements } : {}),
        });
        if ((await withDeadline(asked, TRACKER_CALL_TIMEOUT_MS)) === TIMED_OUT) {
          console.error(`[flowflare] the follower of run ${runId} did not answer in time; the stalled-run sweep asks it again`);
        }
      } catch (error) {
        console.error(`[flowflare] could not ask the follower of run ${runId} to follow it:`, error);
      }
    }),
  );
}
