import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript helper shared with the benchmark
import { startLocalService } from '../../bench/service/local-service.mjs';
import { FlowflareError, WorkflowClient, type RunDetailResult } from '../../src/client/index.js';

interface LocalService {
  url: string;
  apiKey: string;
  dispose(): Promise<void>;
}

let service: LocalService;

beforeAll(async () => {
  service = (await startLocalService({ apiKey: 'node-key' })) as LocalService;
}, 60_000);

afterAll(async () => {
  await service?.dispose();
});

describe('the client in Node, over HTTP with baseUrl', () => {
  it('loads without any cloudflare:* module, in the entry or anything it imports', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(/from ['"]cloudflare:/);
      for (const [, spec] of source.matchAll(/^(?:import|export)(?! type)[^'"]*from ['"](\.[^'"]+)['"]/gm)) {
        visit(new URL(spec!.replace(/\.js$/, '.ts'), `file://${file}`).pathname);
      }
    };
    visit(new URL('../../src/client/index.ts', import.meta.url).pathname);
    expect(seen.size).toBeGreaterThan(3);
  });

  it('starts a workflow and follows it to Completed', async () => {
    const client = new WorkflowClient({ baseUrl: service.url, apiKey: service.apiKey });
    const result = await client.startWorkflow('recorded', { hello: 'node' }, 'order-1', 'order', { via: 'node' });
    expect(result.created).toBe(true);
    let run: RunDetailResult;
    const deadline = Date.now() + 20_000;
    do {
      run = await client.getWorkflow(result.workflowId);
      if (run.status === 'Completed') break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(run.status).toBe('Completed');
    expect(run.output_result).toEqual({ received: { hello: 'node', ref_id: 'order-1', ref_type: 'order' } });
    expect(run.metadata).toEqual({ via: 'node' });
    const byRef = await client.getWorkflowsByRef({ ref_id: 'order-1', ref_type: 'order' });
    expect(byRef.runs.map((r) => r.id)).toEqual([result.workflowId]);
  });

  it('turns error bodies into FlowflareError with status and code', async () => {
    const client = new WorkflowClient({ baseUrl: `${service.url}/`, apiKey: 'wrong' });
    const error = await client.listRuns().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowflareError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('gives up after timeoutMs with code TIMEOUT', async () => {
    // A server that accepts connections and never answers.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const client = new WorkflowClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', timeoutMs: 200 });
      const started = Date.now();
      const error = await client.getWorkflow('x').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT', status: 504 });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('needs a serviceBinding or a baseUrl, and an apiKey', () => {
    expect(() => new WorkflowClient({ apiKey: 'k' })).toThrow(/serviceBinding .* or baseUrl/);
    expect(() => new WorkflowClient({ baseUrl: 'http://x', apiKey: '' })).toThrow(/apiKey is required/);
  });
});
