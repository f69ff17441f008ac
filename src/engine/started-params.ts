import { TIMED_OUT, withDeadline } from '../shared/deadline.js';
import { EngineStream } from './stream.js';

/** How long reading an instance's start from the engine may take before it counts as unknown. */
export const STARTED_PARAMS_TIMEOUT_MS = 3000;

/**
 * The params an instance was started with, as the Workflows engine recorded them (the
 * `workflow_started` event of its retained history): exactly what the run got, whatever the run
 * stored of them. `null` when the engine cannot tell in time: the history (past the instance's
 * retention, or a run that never started) has no start.
 */
export async function startedParams(instance: WorkflowInstance, timeoutMs = STARTED_PARAMS_TIMEOUT_MS): Promise<{ params: unknown } | null> {
  const deadline = Date.now() + timeoutMs;
  const opening = EngineStream.open(instance, 0);
  const stream = await withDeadline(opening, timeoutMs).catch(() => null);
  if (stream === null) return null;
  if (stream === TIMED_OUT) {
    void opening.then((late) => late.close(), () => undefined);
    return null;
  }
  try {
    for (let left = deadline - Date.now(); left > 0; left = deadline - Date.now()) {
      const read = await stream.read(left);
      if (typeof read === 'string') return null;
      if (read.type === 'workflow_started') return { params: read.params ?? {} };
    }
    return null;
  } finally {
    stream.close();
  }
}
