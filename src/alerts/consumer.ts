import { deliverAlert, retryDelaySeconds, type DeliverEnv } from './deliver.js';
import { evaluateSignals } from './evaluate.js';
import { isAlertMessage } from './messages.js';
import type { ResolvedAlerts } from './options.js';
import { syncOptionsRules } from './registry.js';

/**
 * The alerts Queue's consumer: `signals` messages are matched against the rules (firing alerts,
 * each enqueued for delivery), `deliver` messages are delivered. A message that fails is retried
 * with a growing delay; one that is not an alerts message is logged and acked.
 */
export async function handleAlertBatch(batch: MessageBatch<unknown>, env: DeliverEnv, alerts: ResolvedAlerts): Promise<void> {
  await syncOptionsRules(env.DB, alerts).catch((error: unknown) => console.error('[flowflare] could not store the alert rules of the options:', error));
  // one slow destination does not hold up the batch's other messages
  await Promise.all(batch.messages.map((message) => handleMessage(message, env, alerts)));
}

async function handleMessage(message: Message<unknown>, env: DeliverEnv, alerts: ResolvedAlerts): Promise<void> {
  const body = message.body;
  if (!isAlertMessage(body)) {
    console.warn('[flowflare] the alerts queue ignored a message that is not an alert:', JSON.stringify(body)?.slice(0, 200));
    message.ack();
    return;
  }
  try {
    if (body.kind === 'signals') {
      await evaluateSignals(env, body.signals);
      message.ack();
      return;
    }
    const outcome = await deliverAlert(env, alerts, body.alert_id);
    if (outcome.ack) message.ack();
    else message.retry({ delaySeconds: outcome.delaySeconds });
  } catch (error) {
    console.error(`[flowflare] alerts message (${body.kind}) failed; the Queue retries it:`, error);
    message.retry({ delaySeconds: retryDelaySeconds(alerts, message.attempts) });
  }
}
