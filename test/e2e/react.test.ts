import { buildSync } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, watchedPage } from './support/browser.js';
import { REPO } from './support/paths.js';
import type { MetricsQuery, TopicQuery } from '../../src/client/index.js';
import { startOutcomes } from './support/outcomes.js';
import { mintToken, serviceClient, serviceUrl, waitForRun } from './support/service.js';

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

/**
 * Opens the app's page on the service's origin, which the WebSocket's origin check allows and
 * Chromium's local-network checks accept: the test opens the dashboard's page there (a real
 * 127.0.0.1 response, with its strict CSP) and swaps in the app, whose script is served at a
 * path of that origin. The app mints tokens and reads metrics through the test, as through an
 * app's backend.
 */
async function openApp(config: { watchRunId?: string; insights?: { ref_type: string; ref_id: string } }, topics: unknown[] = []) {
  const watched = await watchedPage(browser);
  const { page } = watched;
  const origin = serviceUrl();
  await page.route(`${origin}/my-app/app.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: appScript }));
  await page.exposeFunction('mintToken', (topic: TopicQuery) => {
    topics.push(topic);
    return mintToken(topic);
  });
  await page.exposeFunction('readMetrics', (query: MetricsQuery) => serviceClient().getMetrics(query));
  await page.addInitScript((c) => Object.assign(window, { flowflareTest: c }), { websocketUrl: `${origin.replace(/^http/, 'ws')}/api/tracker-websocket`, watchRunId: '', ...config });
  await page.goto(`${origin}/`);
  await page.setContent('<!doctype html><meta charset="utf-8"><title>My app</title><div id="root"></div><script type="module" src="/my-app/app.js"></script>');
  return watched;
}

describe('the React WorkflowDashboard and hooks', () => {
  it('render live updates from the service in the browser', async () => {
    const client = serviceClient();
    const older = await client.startWorkflow('order', { items: [{ sku: 'cup', quantity: 1 }], failPayments: 0 }, 'order-react-0', 'order');
    const watched = await client.startWorkflow('approval', { amount: 10, requestedBy: 'react' }, 'expense-react', 'expense');
    const topics: unknown[] = [];
    const { page, context, errors } = await openApp({ watchRunId: watched.workflowId }, topics);
    try {
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

  it('WorkflowInsights charts a business object with uPlot and follows its runs live', async () => {
    const client = serviceClient();
    const ref = { ref_type: 'insights-react', ref_id: `react-${Date.now()}` };
    const runs = await startOutcomes(client, ref);
    const { page, context, errors } = await openApp({ insights: ref });
    const points = () => page.locator('[data-chart=throughput]').getAttribute('data-points');
    const sums = async (kind: string) => JSON.parse((await page.locator(`[data-chart="${kind}"]`).getAttribute('data-sums')) ?? '{}') as Record<string, number>;
    const metric = (m: string, v: string) =>
      page.waitForFunction(([name, value]) => document.querySelector(`[data-metric="${name}"] dd`)?.textContent === value, [m, v] as const, { timeout: 30_000 });
    try {
      await metric('completed', '1');
      await metric('errored', '1');
      await metric('terminated', '1');
      await metric('success-rate', '33.3 %');
      expect(await points()).toBe('24');
      expect(await sums('throughput')).toEqual({ Completed: 1, Errored: 1, Terminated: 1 });
      // each chart is a uPlot canvas across its panel, laid out without uPlot's stylesheet
      for (const kind of ['throughput', 'failure-rate', 'duration']) {
        const panel = await page.locator(`[data-chart="${kind}"]`).boundingBox();
        const box = await page.locator(`[data-chart="${kind}"] .uplot canvas`).boundingBox();
        expect(box!.width, kind).toBeGreaterThan(panel!.width * 0.9);
        expect(box!.height, kind).toBeGreaterThan(150);
      }
      expect(await page.locator(`[data-run-id="${runs.errored}"]`).first().getAttribute('href')).toBe(`#/runs/${runs.errored}`);
      await page.locator('[data-connection=live]').waitFor();
      await screenshot(page, 'react-insights');

      const late = await client.startWorkflow('email_campaign', { recipients: [], subject: 'late', body: '' }, ref.ref_id, ref.ref_type);
      await waitForRun(client, late.workflowId, ['Completed']);
      await metric('completed', '2');
      expect(await sums('throughput')).toEqual({ Completed: 2, Errored: 1, Terminated: 1 });

      await page.click('button[data-range="1h"]');
      await page.waitForFunction(() => document.querySelector('[data-chart=throughput]')?.getAttribute('data-points') === '60');
      expect(await sums('throughput')).toEqual({ Completed: 2, Errored: 1, Terminated: 1 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
