import { DurableObject } from 'cloudflare:workers';
import { createWorkflowService } from '../../src/index.js';

export { WorkflowTracker } from '../../src/index.js';

/** The local limit: a Durable Object that only calls `send` on each of its sockets. */
export class BareLoop extends DurableObject {
  override async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends one message to every socket. */
  async broadcast(message: string): Promise<number> {
    const sockets = this.ctx.getWebSockets();
    for (const ws of sockets) ws.send(message);
    return sockets.length;
  }

  override async webSocketMessage(): Promise<void> {}
  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    ws.close(code === 1005 ? 1000 : code, reason);
  }
  override async webSocketError(): Promise<void> {}
}

export default createWorkflowService<Cloudflare.Env>();
