// A long job that sleeps between its steps: the run shows as Sleeping, with the time it wakes up.
import type { WorkflowEvent } from 'cloudflare:workers';
import { TrackedWorkflow, type TrackedStep } from '@biggidea/flowflare/workflow';
import type { Env } from '../env.js';

/** What a nightly report run receives. */
export interface NightlyReportParams {
  ref_id?: string;
  ref_type?: string;
  /** Seconds to sleep while the export "runs". @default 90 */
  sleepSeconds?: number;
}

/** Collects figures, sleeps while an export is produced, then publishes the report. */
export class NightlyReportWorkflow extends TrackedWorkflow<Env, NightlyReportParams> {
  override async run(event: Readonly<WorkflowEvent<NightlyReportParams>>, step: TrackedStep) {
    const figures = await step.do('collect-figures', async () => ({ rows: 1280 }));
    await step.sleep('wait-for-export', `${event.payload.sleepSeconds ?? 90} seconds`);
    return step.do('publish-report', async () => ({ published: true, rows: figures.rows }));
  }
}
