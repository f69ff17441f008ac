import { buildSync } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, watchedPage } from './support/browser.js';
import { REPO } from './support/paths.js';
import type { TopicQuery } from '../../src/client/index.js';
import { mintToken, serviceClient, serviceUrl } from './support/service.js';

let browser: Browser;
let appScript: string;

beforeAll(async () => {
  browser = await launchChromium();
  // the app, bundled as a user's bundler would: React from node_modules, /ui by its package name
  appScript = buildSync({
    entryPoints: [`${REPO}test/e2e/react-app/main.tsx`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    alias: { '@biggidea/flowflare/ui': `${REPO}src/ui/index.ts` },
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    logLevel: 'silent',
  }).outputFiles[0]!.text;
});

afterAll(async () => {
  await browser?.close();
});

describe('the React WorkflowDashboard and hooks', () => {
  it('render live updates from the service in the browser', async () => {
    const client = serviceClient();
    const older = await client.startWorkflow('order', { items: [{ sku: 'cup', quantity: 1 }], failPayments: 0 }, 'order-react-0', 'order');
    const { page, context, errors } = await watchedPage(browser);
    try {
      // The app's page lives on the service's origin, which the WebSocket's origin check allows
      // and Chromium's local-network checks accept: the test opens the dashboard's page there (a
      // real 127.0.0.1 response, with its strict CSP) and swaps in the app, whose script is served
      // at a path of that origin.
      const origin = serviceUrl();
      await page.route(`${origin}/my-app/app.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: appScript }));
      const topics: unknown[] = [];
      await page.exposeFunction('mintToken', (topic: TopicQuery) => {
        topics.push(topic);
        return mintToken(topic);
      });
      const watched = await client.startWorkflow('approval', { amount: 10, requestedBy: 'react' }, 'expense-react', 'expense');
      await page.addInitScript((config) => Object.assign(window, { flowflareTest: config }), {
        websocketUrl: `${origin.replace(/^http/, 'ws')}/api/tracker-websocket`,
        watchRunId: watched.workflowId,
      });
      await page.goto(`${origin}/`);
      await page.setContent('<!doctype html><meta charset="utf-8"><title>My app</title><div id="root"></div><script type="module" src="/my-app/app.js"></script>');

      // the dashboard follows its topic: the order that exists, and one started now
      await page.locator('[data-connection=live]').first().waitFor();
      await page.locator(`tr[data-run-id="${older.workflowId}"]`).waitFor();
      const order = await client.startWorkflow('order', { items: [{ sku: 'cup', quantity: 3 }], failPayments: 1 }, 'order-react', 'order');
      await page.locator(`tr[data-run-id="${order.workflowId}"]`).waitFor();
      await page.locator(`tr[data-run-id="${order.workflowId}"][data-status=Completed]`).waitFor({ timeout: 30_000 });
      expect(await page.locator(`tr[data-run-id="${watched.workflowId}"]`).count()).toBe(0);
      await page.click(`tr[data-run-id="${order.workflowId}"] button`);
      await page.locator(`[data-run-detail="${order.workflowId}"] li[data-step=charge-card]`, { hasText: 'card declined (attempt 1)' }).waitFor();

      // the hook follows one run: waiting, then completed after its event
      await page.locator('#watched[data-status=Waiting]').waitFor();
      await client.sendEvent(watched.workflowId, 'approval', { approved: true, by: 'react' });
      await page.locator('#watched[data-status=Completed]').waitFor({ timeout: 30_000 });
      expect(await page.locator('#watched').textContent()).toBe('Watched run: approval Completed, 3 steps');

      expect(topics).toEqual(expect.arrayContaining([{ workflow: 'order' }, { run_id: watched.workflowId }]));
      await screenshot(page, 'react-dashboard');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
