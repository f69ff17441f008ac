// A request that waits for a person: the run shows as Waiting (with its deadline) until an
// `approval` event arrives, from the dashboard's "Send event" button or `client.sendEvent`.
import type { WorkflowEvent } from 'cloudflare:workers';
import { TrackedWorkflow, type TrackedStep } from '@biggidea/flowflare/workflow';
import type { Env } from '../env.js';

/** What an approval run receives. */
export interface ApprovalParams {
  ref_id?: string;
  ref_type?: string;
  amount: number;
  requestedBy: string;
}

/** What the `approval` event carries. */
export interface ApprovalDecision {
  approved: boolean;
  by?: string;
}

/** Checks a spending request, waits up to a day for a decision, then books or rejects it. */
export class ApprovalWorkflow extends TrackedWorkflow<Env, ApprovalParams> {
  override async run(event: Readonly<WorkflowEvent<ApprovalParams>>, step: TrackedStep) {
    const request = await step.do('check-budget', async () => ({ amount: event.payload.amount, withinBudget: event.payload.amount < 5000 }));
    const decision = await step.waitForEvent<ApprovalDecision>('approval', { type: 'approval', timeout: '1 day' });
    const approved = decision.payload?.approved !== false;
    const booked = await step.do('book', async () => ({ booked: approved, by: decision.payload?.by ?? null }));
    return { request, booked };
  }
}
