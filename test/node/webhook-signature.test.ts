import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../src/client/index.js';

const SECRET = 'whsec-node-test';

/** Node's own HMAC, independent of the helper's WebCrypto one. */
function nodeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

describe('verifyWebhookSignature in Node 22 (WebCrypto only, from the client entry)', () => {
  test('accepts what Flowflare signs, as node:crypto computes it, and refuses tampering, other secrets and stale times', async () => {
    const body = JSON.stringify({ id: 'alt_1', type: 'alert', alert: { summary: 'Run r1 (charge) errored: declined' } });
    const now = Math.floor(Date.now() / 1000);
    const header = await signWebhook(SECRET, now, body);
    expect(header).toBe(`t=${now},v1=${nodeSignature(SECRET, now, body)}`);
    // headers as node:http gives them: lower-case names
    const headers = { 'flowflare-signature': header, 'flowflare-id': 'alt_1' };
    expect(await verifyWebhookSignature(SECRET, headers, body)).toBe(true);
    expect(await verifyWebhookSignature(SECRET, new Headers({ 'Flowflare-Signature': header }), body)).toBe(true);
    expect(await verifyWebhookSignature(SECRET, headers, `${body} `)).toBe(false);
    expect(await verifyWebhookSignature('another', headers, body)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, {}, body)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, { 'flowflare-signature': 'garbage' }, body)).toBe(false);
    // ten minutes later it is refused by default, accepted with a wider tolerance
    const later = { now: (now + 600) * 1000 };
    expect(await verifyWebhookSignature(SECRET, headers, body, later)).toBe(false);
    expect(await verifyWebhookSignature(SECRET, headers, body, { ...later, toleranceSeconds: 900 })).toBe(true);
    // while a secret is rotated, the header may carry a signature per secret: any one will do
    const both = `t=${now},v1=${nodeSignature('old-secret', now, body)},v1=${nodeSignature(SECRET, now, body)}`;
    expect(await verifyWebhookSignature(SECRET, { 'flowflare-signature': both }, body)).toBe(true);
  });

  test('a node:http receiver verifies a signed POST it gets', async () => {
    const verdicts: boolean[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', async () => {
        const ok = await verifyWebhookSignature(SECRET, request.headers, Buffer.concat(chunks).toString('utf8'));
        verdicts.push(ok);
        response.writeHead(ok ? 200 : 400).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const body = JSON.stringify({ id: 'alt_2', type: 'alert' });
      const signature = await signWebhook(SECRET, Math.floor(Date.now() / 1000), body);
      const good = await fetch(url, { method: 'POST', body, headers: { 'Flowflare-Signature': signature, 'Content-Type': 'application/json' } });
      const bad = await fetch(url, { method: 'POST', body: body.replace('alt_2', 'alt_3'), headers: { 'Flowflare-Signature': signature } });
      expect([good.status, bad.status]).toEqual([200, 400]);
      expect(verdicts).toEqual([true, false]);
    } finally {
      server.close();
    }
  });
});
