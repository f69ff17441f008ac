import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/shared/types.js';
import { debounced, endsRunInside, topicOfFilters } from '../../src/ui/insights/live.js';
import { bucketCount, isTimeRange, rangeWindow, TIME_RANGES } from '../../src/ui/insights/ranges.js';

function runEvent(status: string, fields: Partial<EventRecord> = {}): EventRecord {
  return {
    id: 1,
    kind: 'run',
    run_id: 'r1',
    workflow_id: 1,
    workflow_name: 'order',
    ref_type: 'customer',
    ref_id: 'c-1',
    data: { id: 'r1', status },
    created_at: '2026-12-03T08:00:00.000Z',
    ...fields,
  };
}

describe('Insights time ranges', () => {
  it('end with the current bucket and hold one point per bucket', () => {
    const now = Date.parse('2026-12-03T08:41:27.123Z');
    expect(rangeWindow('1h', now)).toEqual({ from: '2026-12-03T07:42:00.000Z', to: '2026-12-03T08:42:00.000Z', bucket: 'minute' });
    expect(rangeWindow('24h', now)).toEqual({ from: '2026-12-02T09:00:00.000Z', to: '2026-12-03T09:00:00.000Z', bucket: 'hour' });
    expect(rangeWindow('30d', now)).toEqual({ from: '2026-11-04T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z', bucket: 'day' });
    expect(Object.keys(TIME_RANGES).map((r) => [r, bucketCount(r as keyof typeof TIME_RANGES)])).toEqual([
      ['1h', 60],
      ['24h', 24],
      ['7d', 168],
      ['30d', 30],
    ]);
    expect(isTimeRange('7d')).toBe(true);
    expect(isTimeRange('toString')).toBe(false);
  });
});

describe('Insights live refresh', () => {
  it('follows the narrowest topic over the filters', () => {
    expect(topicOfFilters({})).toBe('all');
    expect(topicOfFilters({ workflow: 'order' })).toEqual({ workflow: 'order' });
    expect(topicOfFilters({ workflow: 'order', ref_type: 'customer', ref_id: 'c-1' })).toEqual({ ref_type: 'customer', ref_id: 'c-1' });
  });

  it('refreshes only for a run reaching a final status inside the filters', () => {
    for (const status of ['Completed', 'Errored', 'Terminated']) expect(endsRunInside(runEvent(status), { workflow: 'order' }), status).toBe(true);
    for (const status of ['Running', 'Sleeping', 'Waiting', 'Queued']) expect(endsRunInside(runEvent(status), {}), status).toBe(false);
    expect(endsRunInside(runEvent('Completed'), { workflow: 'approval' })).toBe(false);
    expect(endsRunInside(runEvent('Completed'), { ref_type: 'customer', ref_id: 'c-2' })).toBe(false);
    expect(endsRunInside(runEvent('Completed'), { ref_type: 'customer', ref_id: 'c-1' })).toBe(true);
    expect(endsRunInside({ ...runEvent('Completed'), kind: 'step' }, {})).toBe(false);
  });

  it('reads once after a burst of finished runs', async () => {
    let reads = 0;
    const refresh = debounced(() => reads++, 50);
    for (let i = 0; i < 5; i++) refresh.schedule();
    await new Promise((r) => setTimeout(r, 120));
    expect(reads).toBe(1);
    refresh.schedule();
    refresh.cancel();
    await new Promise((r) => setTimeout(r, 120));
    expect(reads).toBe(1);
  });
});
