import { describe, expect, it } from 'vitest';
import { apiJson, post, unique } from './api.js';

type ErrorBody = { error: { code: string; message: string } };

describe('times and page limits are checked alike on every route', () => {
  it("a key's expires_at must be a real ISO-8601 time with seconds and an offset", async () => {
    for (const expires_at of ['2027-02-30T00:00:00Z', '2027-01-31T00:00Z', '2027-01-31T00:00:00', 'tomorrow', '2027-13-01T00:00:00Z', '2027-01-31T24:00:00Z', '2027-01-31T10:00:00+25:00']) {
      const refused = await post<ErrorBody>('/api/keys', { name: unique('k'), role: 'read', expires_at });
      expect(refused.status, expires_at).toBe(400);
      expect(refused.body.error.message).toBe('POST /api/keys: expires_at: an ISO-8601 time, such as 2027-01-31T00:00:00Z');
    }
    for (const expires_at of ['2037-01-31T00:00:00Z', '2037-02-28T23:59:59.5+02:00', '2036-02-29T12:00:00-05:30']) {
      expect((await post('/api/keys', { name: unique('k'), role: 'read', expires_at })).status, expires_at).toBe(201);
    }
  });

  it("a rule's muted_until is refused on February 30th, naming the field", async () => {
    const mute = await apiJson<ErrorBody>('/api/alerts/rules/rule_nope', { method: 'PATCH', body: JSON.stringify({ muted_until: '2031-02-30T00:00:00Z' }) });
    expect(mute.status).toBe(400);
    expect(mute.body.error.message).toBe('PATCH /api/alerts/rules/rule_nope: muted_until: an ISO-8601 time, such as 2027-01-31T00:00:00Z, or null');
  });

  it('limit on /api/audit and /api/alerts says what it takes, as on /api/runs', async () => {
    for (const path of ['/api/runs', '/api/audit', '/api/alerts']) {
      const cases: [string, string][] = [['abc', 'limit: a whole number'], ['0', 'limit: at least 1'], ['101', 'limit: at most 100'], ['1.5', 'limit: a whole number']];
      for (const [limit, message] of cases) {
        const refused = await apiJson<ErrorBody>(`${path}?limit=${limit}`);
        expect(refused.status, `${path} ${limit}`).toBe(400);
        expect(refused.body.error.message).toBe(`GET ${path}: ${message}`);
      }
      expect((await apiJson(`${path}?limit=100`)).status).toBe(200);
    }
  });
});
