import { followerOf } from '../engine/follow-request.js';
import { returnKeptWrites, takeKeptWrites, type WriteOutcome } from '../store/writer.js';
import { discoverWorkflowName } from './discover-name.js';

/** Runs whose follower has been asked, so that a helper asks once per run in an isolate. Bounded. */
const announced = new Set<string>();
const ANNOUNCED_LIMIT = 1000;

/**
 * After a tracking helper's write: makes sure the run's follower follows it (once per run in this
 * isolate), and hands the follower whatever D1 refused for now, so that it is written when D1 is
 * back even if the run never writes again. Never throws; without a `WORKFLOW_TRACKER` binding the
 * writer keeps refused writes for the run's next write, as before.
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
    await follower.follow({ runId, workflowName: name, ...(statements.length > 0 ? { statements } : {}) });
    if (announced.size >= ANNOUNCED_LIMIT) announced.clear();
    announced.add(runId);
  } catch (error) {
    returnKeptWrites(db, runId, statements);
    console.error(`[flowflare] could not reach the follower of run ${runId}; its tracking writes wait for the run's next write:`, error);
  }
}
