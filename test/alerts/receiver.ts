import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What it answered (0 while it has not answered, for `hang`). */
  status: number;
  at: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for alert notifications. What it answers is chosen by the
 * path: `/hook/ok/<id>` 200; `/hook/fail<N>/<id>` 500 for the first N requests, then 200;
 * `/hook/hang/<id>` never answers. `GET /received/<id>` lists what it got for `<id>`, oldest first.
 */
export async function startReceiver(): Promise<{ url: string; server: Server; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    const listing = /^\/received\/([^/?]+)/.exec(path);
    if (request.method === 'GET' && listing) {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(received.filter((r) => r.path.endsWith(`/${listing[1]}`))));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: Received = { path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0, at: Date.now() };
      received.push(entry);
      const match = /^\/hook\/([a-z]+)(\d*)\/([^/?]+)/.exec(path);
      if (match?.[1] === 'hang') {
        hanging.add(response);
        return;
      }
      const failures = match?.[1] === 'fail' ? Number(match[2] || 1) : 0;
      const before = received.filter((r) => r.path === path).length - 1;
      entry.status = before < failures ? 500 : 200;
      response.writeHead(entry.status, { 'Content-Type': 'text/plain' });
      response.end(entry.status === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    received,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
