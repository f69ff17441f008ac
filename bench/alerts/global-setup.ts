import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The notification receiver's URL (a Node HTTP server on 127.0.0.1). */
    benchReceiver: string;
  }
}

/** A receiver that answers every notification 200 at once, and counts them at GET /count. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let count = 0;
  const server = createServer((request, response) => {
    if (request.method === 'GET') return void response.end(String(count));
    request.resume();
    request.on('end', () => {
      count++;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('benchReceiver', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
