import * as z from 'zod/mini';
import { followerOf } from '../engine/follow-request.js';
import { workflowBindingName } from './bindings.js';
import type { ResolvedOptions } from './options.js';

/**
 * A Workflows instance lifecycle event as Cloudflare's event subscriptions deliver it to a Queue
 * (`cf.workflows.workflow.instance.queued`, `.started`, `.paused`, `.errored`, `.terminated`,
 * `.completed`).
 */
const lifecycleEventSchema = z.object({
  type: z.string().check(z.regex(/^cf\.workflows\.workflow\.instance\.[a-z_]+$/)),
  source: z.object({ workflowName: z.string().check(z.minLength(1)) }),
  payload: z.object({ instanceId: z.string().check(z.minLength(1)) }),
});

/** The lifecycle event in a queue message, or null when the message is something else. */
export function lifecycleEvent(body: unknown): { workflowName: string; instanceId: string; type: string } | null {
  const parsed = z.safeParse(lifecycleEventSchema, body);
  if (!parsed.success) return null;
  return { workflowName: parsed.data.source.workflowName, instanceId: parsed.data.payload.instanceId, type: parsed.data.type };
}

/**
 * The service's `queue` handler: every instance an account-wide lifecycle event announces is
 * followed, so that runs started anywhere (Cloudflare's dashboard, wrangler, another Worker) are
 * recorded from the engine's own events. A message that is not a lifecycle event is logged and
 * acknowledged; one whose follower cannot be reached is retried by the Queue.
 */
export async function handleLifecycleBatch(batch: MessageBatch<unknown>, env: object, options: ResolvedOptions): Promise<void> {
  for (const message of batch.messages) {
    const event = lifecycleEvent(message.body);
    if (!event) {
      console.warn('[flowflare] the queue handler ignored a message that is not a Workflows lifecycle event:', JSON.stringify(message.body)?.slice(0, 200));
      message.ack();
      continue;
    }
    const follower = followerOf(env, event.instanceId);
    if (!follower) {
      console.error('[flowflare] lifecycle events need the WORKFLOW_TRACKER binding to follow the runs they announce');
      message.retry();
      continue;
    }
    try {
      await follower.follow({ runId: event.instanceId, workflowName: event.workflowName, binding: workflowBindingName(event.workflowName, options) });
      message.ack();
    } catch (error) {
      console.error(`[flowflare] could not follow run ${event.instanceId} announced by ${event.type}; the Queue retries:`, error);
      message.retry();
    }
  }
}
