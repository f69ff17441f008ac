import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { toEvent, type EventRow } from '../../src/store/rows.js';
import type { AttemptRecord } from '../../src/shared/types.js';
import { followedToEnd, newId, rows, waitForInstance } from '../helpers.js';

describe('live step events', () => {
  it('carry the latest attempt mapped like an attempt: its error is an object, not JSON text', async () => {
    const id = newId('order');
    const instance = await env.ORDER.create({ id, params: { chargeFailures: 1 } });
    await waitForInstance(instance, ['complete', 'errored']);
    await followedToEnd(id);
    const events = (await rows<EventRow>("SELECT * FROM workflow_events WHERE run_id = ? AND kind = 'step' ORDER BY id", id)).map(toEvent);
    const attempts = events.map((e) => e.data.last_attempt as unknown as AttemptRecord | null).filter((a) => a?.status === 'Failed');
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts[0]).toMatchObject({ step_name: 'charge', attempt: 1, error: { name: 'Error', message: 'declined on attempt 1' } });
    expect(Date.parse(attempts[0]!.next_retry_at!)).toBeGreaterThan(Date.parse(attempts[0]!.ended_at!));
  });
});
