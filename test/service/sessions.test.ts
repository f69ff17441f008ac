import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { WorkflowClient } from '../../src/client/index.js';
import type { RunDetailResult, StartResult } from '../../src/index.js';
import { api, KEY, post } from './api.js';

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

describe("reads go through D1's Sessions API, and a client always sees its own writes", () => {
  it("every answer carries the bookmark of its session; a read at a write's bookmark sees the write", async () => {
    const started = await post<StartResult>('/api/runs', { workflow: 'plain', params: {} });
    const bookmark = started.headers.get('X-Flowflare-Bookmark');
    expect(bookmark).toMatch(BOOKMARK);
    const read = await api(`/api/runs/${started.body.workflowId}`, { headers: { 'X-Flowflare-Bookmark': bookmark! } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as RunDetailResult).id).toBe(started.body.workflowId);
    const later = read.headers.get('X-Flowflare-Bookmark');
    expect(later).toMatch(BOOKMARK);
    expect(later! >= bookmark!).toBe(true);
  });

  it('a header that is not a bookmark is a 400 naming it', async () => {
    const answer = await api('/api/runs', { headers: { 'X-Flowflare-Bookmark': 'garbage' } });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain('X-Flowflare-Bookmark');
  });

  it('the client sends back the latest bookmark it got', async () => {
    const sent: (string | null)[] = [];
    const client = new WorkflowClient({
      apiKey: KEY,
      serviceBinding: {
        fetch: (request: Request) => {
          sent.push(request.headers.get('X-Flowflare-Bookmark'));
          return exports.default.fetch(request);
        },
      },
    });
    const run = await client.startWorkflow('plain', {});
    await client.getRun(run.workflowId);
    await client.countRuns();
    expect(sent[0]).toBeNull();
    expect(sent[1]).toMatch(BOOKMARK);
    expect(sent[2]! >= sent[1]!).toBe(true);
  });
});
