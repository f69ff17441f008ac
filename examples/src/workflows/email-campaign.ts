// The README's email campaign, tracked by hand with `updateWorkflowRun` and `trackStep`.
// The instance id is `event.instanceId` (Cloudflare's WorkflowStep has no `instanceId`).
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from 'cloudflare:workers';
import { trackStep, updateWorkflowRun } from '@biggidea/flowflare/workflow';
import type { Env } from '../env.js';

/** What an email campaign run receives. */
export interface EmailCampaignParams {
  ref_id?: string;
  ref_type?: string;
  recipients: string[];
  subject: string;
  body: string;
}

/** Validates the recipients, then sends the emails (retried up to 3 times, 5 s apart at first). */
export class EmailCampaignWorkflow extends WorkflowEntrypoint<Env, EmailCampaignParams> {
  override async run(event: WorkflowEvent<EmailCampaignParams>, _step: WorkflowStep) {
    const { ref_id, ref_type, recipients } = event.payload;

    await updateWorkflowRun(
      {
        id: event.instanceId,
        workflow_id: 1,
        status: 'Running',
        ref_id,
        ref_type,
        input_params: JSON.stringify(event.payload),
        metadata: JSON.stringify({ source: 'email-workflow' }),
      },
      this.env,
    );

    try {
      const validation = await trackStep(this.env, event.instanceId, 'validate-recipients', 1, async () => {
        return { validRecipients: recipients.filter((r) => r.includes('@')).length };
      });

      const sendResult = await trackStep(
        this.env,
        event.instanceId,
        'send-emails',
        2,
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 300 * recipients.length));
          return { sent: validation.validRecipients };
        },
        { maxRetries: 3, baseDelay: 5000 },
      );

      const finalResult = { success: true, sent: sendResult.sent };
      await updateWorkflowRun(
        {
          id: event.instanceId,
          status: 'Completed',
          completed_at: new Date().toISOString(),
          output_result: JSON.stringify(finalResult),
        },
        this.env,
      );
      return finalResult;
    } catch (error) {
      await updateWorkflowRun(
        {
          id: event.instanceId,
          status: 'Errored',
          output_result: JSON.stringify({ success: false, error: (error as Error).message }),
        },
        this.env,
      );
      throw error;
    }
  }
}
