// An order with a flaky payment step: Workflows retries it, and every attempt, its error and the
// time of the next attempt are recorded with no tracking code (`TrackedWorkflow`).
import type { WorkflowEvent } from 'cloudflare:workers';
import { TrackedWorkflow, type TrackedStep, type TrackingOptions } from '@biggidea/flowflare/workflow';
import type { Env } from '../env.js';

/** What an order run receives. */
export interface OrderParams {
  ref_id?: string;
  ref_type?: string;
  items: { sku: string; quantity: number }[];
  /** Attempts of the payment step that fail before one succeeds. @default 2 */
  failPayments?: number;
  /** A card token: a secret, left out of the stored input. */
  cardToken?: string;
}

/** Reserve stock, charge the card (declined twice, then accepted), ship. */
export class OrderWorkflow extends TrackedWorkflow<Env, OrderParams> {
  static override tracking: TrackingOptions<OrderParams> = {
    inputs: ({ cardToken: _secret, ...rest }) => rest,
  };

  override async run(event: Readonly<WorkflowEvent<OrderParams>>, step: TrackedStep) {
    const { items, failPayments = 2 } = event.payload;
    const reserved = await step.do('reserve-stock', async () => ({ lines: items.length }));
    const payment = await step.do(
      'charge-card',
      { retries: { limit: 4, delay: '2 seconds', backoff: 'exponential' } },
      async (ctx) => {
        if (ctx.attempt <= failPayments) throw new Error(`card declined (attempt ${ctx.attempt})`);
        return { charged: items.reduce((sum, item) => sum + item.quantity * 10, 0), attempt: ctx.attempt };
      },
    );
    const shipment = await step.do('ship', async () => ({ carrier: 'local-post', tracking: `LP${event.instanceId.slice(0, 8)}` }));
    return { reserved, payment, shipment };
  }
}
