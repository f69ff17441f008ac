import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { lifecycleEvent } from '../../src/service/lifecycle-queue.js';
import { eventually, newId, rows, waitForInstance } from '../helpers.js';

/** A message of the shape Cloudflare's event subscriptions deliver for a Workflows instance. */
function lifecycleMessage(type: string, workflowName: string, instanceId: string) {
  return {
    type: `cf.workflows.workflow.instance.${type}`,
    source: { type: 'workflows.workflow', workflowName },
    payload: { versionId: 'v1', instanceId },
    metadata: { accountId: 'f9f79265f388666de8122cfb508d7776', eventSubscriptionId: '1830c4bb612e43c3af7f4cada31fbf3f', eventSchemaVersion: 1, eventTimestamp: new Date().toISOString() },
  };
}

describe('the queue handler for Workflows lifecycle events', () => {
  it('adopts an instance Flowflare never saw start, and records it from the engine', async () => {
    const id = newId('adopted');
    // started straight through the binding: no service, no Flowflare code in the workflow
    const instance = await env.PLAIN.create({ id, params: { ref_type: 'invoice', ref_id: 'inv-9', failTimes: 1 } });
    expect(await rows('SELECT 1 FROM workflow_runs WHERE id = ?', id)).toEqual([]);
    await env.LIFECYCLE_EVENTS.send(lifecycleMessage('queued', 'plain', id));
    const engine = await waitForInstance(instance, ['complete', 'errored']);
    await eventually(async () => (await rows("SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'Completed'", id)).length > 0);
    const [run] = await rows<Record<string, unknown>>('SELECT workflow_name, ref_type, ref_id, input_params, output_result FROM workflow_runs WHERE id = ?', id);
    expect(run).toMatchObject({ workflow_name: 'plain', ref_type: 'invoice', ref_id: 'inv-9' });
    expect(JSON.parse(String(run?.input_params))).toEqual({ ref_type: 'invoice', ref_id: 'inv-9', failTimes: 1 });
    expect(JSON.parse(String(run?.output_result))).toEqual(engine.output);
    expect(await rows("SELECT run_count FROM workflow WHERE name = 'plain' AND ref_type = 'invoice' AND ref_id = 'inv-9'")).toEqual([{ run_count: 1 }]);
  });

  it('reads only the lifecycle events of Cloudflare’s documented shape', () => {
    expect(lifecycleEvent(lifecycleMessage('completed', 'plain', 'x'))).toEqual({ workflowName: 'plain', instanceId: 'x', type: 'cf.workflows.workflow.instance.completed' });
    expect(lifecycleEvent({ type: 'cf.r2.bucket.created', source: { workflowName: 'p' }, payload: { instanceId: 'x' } })).toBeNull();
    expect(lifecycleEvent('hello')).toBeNull();
  });
});
