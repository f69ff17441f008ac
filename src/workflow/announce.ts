import { followerOf } from '../engine/follow-request.js';
import { TIMED_OUT, TRACKER_CALL_TIMEOUT_MS, withDeadline } from '../shared/deadline.js';
import { returnKeptWrites, takeKeptWrites, type WriteOutcome } from '../store/writer.js';
import { discoverWorkflowName } from './discover-name.js';

/** Runs whose follower has been asked, so that a helper asks once per run in an isolate. Bounded. */
const announced = new Set<string>();
const ANNOUNCED_LIMIT = 1000;

/**
 * After a tracking helper's write: makes sure the run's follower follows it (once per run in this
 * isolate), and hands the follower whatever D1 refused for now, so that it is written when D1 is
 * back even if the run never writes again. Never throws, and waits for the follower at most
 * `TRACKER_CALL_TIMEOUT_MS`; without a `WORKFLOW_TRACKER` binding (or an answer) the writer keeps
 * refused writes for the run's next write, as before.
 * @param workflowName the run's workflow when the helper knows it; otherwise found from the bindings
 */
export async function afterTrackingWrite(env: unknown, db: D1Database, runId: string, outcome: WriteOutcome | null, workflowName?: string): Promise<void> {
  const follower = followerOf(env, runId);
  if (!follower) return;
  const refused = outcome !== null && !outcome.written;
  if (announced.has(runId) && !refused) return;
  const statements = refused ? takeKeptWrites(db, runId) : [];
  try {
    const name = workflowName ?? (await discoverWorkflowName(env, runId)) ?? 'unknown';
    const asked = follower.follow({ runId, workflowName: name, ...(statements.length > 0 ? { statements } : {}) });
    if ((await withDeadline(asked, TRACKER_CALL_TIMEOUT_MS)) === TIMED_OUT) {
      // It may still take the request; its statements are upserts, so keeping them too is harmless.
      // It is not asked again for this run unless D1 refuses a write: every write would wait on it.
      returnKeptWrites(db, runId, statements);
      console.error(`[flowflare] the follower of run ${runId} did not answer within ${TRACKER_CALL_TIMEOUT_MS} ms; the run goes on, its refused tracking writes wait for its next write`);
    }
    if (announced.size >= ANNOUNCED_LIMIT) announced.clear();
    announced.add(runId);
  } catch (error) {
    returnKeptWrites(db, runId, statements);
    console.error(`[flowflare] could not reach the follower of run ${runId}; its tracking writes wait for the run's next write:`, error);
  }
}
