import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bucketCount, rangeWindow } from '../../src/ui/insights/ranges.js';
import { launchChromium, screenshot, watchedPage, type WatchedPage } from './support/browser.js';
import { TEST_API_KEY } from './support/paths.js';
import { startOutcomes } from './support/outcomes.js';
import { serviceClient, serviceUrl, waitForRun } from './support/service.js';

let browser: Browser;
let watched: WatchedPage[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  const errors = watched.flatMap((w) => w.errors);
  await Promise.all(watched.map((w) => w.context.close()));
  watched = [];
  expect(errors, 'console errors on the page').toEqual([]);
});

/** A page signed in with `key`, on Insights under `query` (a hash query such as `ref_type=a&ref_id=b`). */
async function openInsights(key: string, query: string): Promise<Page> {
  const w = await watchedPage(browser);
  watched.push(w);
  await w.page.goto(`${serviceUrl()}/`);
  await w.page.fill('#api-key', key);
  await w.page.click('form.sign-in button[type=submit]');
  await w.page.locator('.signed-in').waitFor();
  await w.page.goto(`${serviceUrl()}/#/insights?${query}`);
  return w.page;
}

/** Waits until the headline figure `metric` reads `value`. */
async function figure(page: Page, metric: string, value: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(([m, v]) => document.querySelector(`[data-metric="${m}"] dd`)?.textContent === v, [metric, value] as const, { timeout });
}

/** What a chart says it plots: its number of points and each series' sum. */
async function chart(page: Page, kind: string): Promise<{ points: number; sums: Record<string, number>; canvases: number }> {
  return page.locator(`figure[data-chart="${kind}"]`).evaluate((el) => ({
    points: Number((el as HTMLElement).dataset.points),
    sums: JSON.parse((el as HTMLElement).dataset.sums ?? '{}') as Record<string, number>,
    canvases: el.querySelectorAll('.uplot canvas').length,
  }));
}

describe('Insights in the built-in dashboard', () => {
  it('charts the runs by outcome, follows new ones live, changes range, and opens a run from its error', async () => {
    const client = serviceClient();
    const ref = { ref_type: 'insights', ref_id: `outcomes-${Date.now()}` };
    const runs = await startOutcomes(client, ref);
    const page = await openInsights(TEST_API_KEY, `ref_type=${ref.ref_type}&ref_id=${ref.ref_id}`);

    // the figures count exactly the runs started for this object
    await figure(page, 'completed', '1');
    await figure(page, 'errored', '1');
    await figure(page, 'terminated', '1');
    await figure(page, 'started', '3');
    await figure(page, 'success-rate', '33.3 %');
    expect(await page.locator('.range[aria-pressed=true]').getAttribute('data-range')).toBe('24h');
    // one point per hour of the day, drawn by uPlot, summing to the runs that finished
    expect(await chart(page, 'throughput')).toEqual({ points: 24, sums: { Completed: 1, Errored: 1, Terminated: 1 }, canvases: 1 });
    const duration = await chart(page, 'duration');
    expect(duration.points).toBe(24);
    expect(duration.canvases).toBe(1);
    expect(duration.sums.p50).toBeGreaterThan(0);
    // the failure rate per hour is the service's: 2 of the 3 runs failed
    const report = await client.getMetrics({ ...ref, ...rangeWindow('24h') });
    const failedPercent = report.series.reduce((sum, p) => sum + (p.success_rate === null ? 0 : Math.round((1 - p.success_rate) * 10_000) / 100), 0);
    expect(report.totals.success_rate).toBeCloseTo(1 / 3, 5);
    expect(await chart(page, 'failure-rate')).toEqual({ points: 24, sums: { Failed: Math.round(failedPercent * 100) / 100 }, canvases: 1 });
    // the slowest steps include the ones these runs ran
    await page.locator('.insights-steps tr[data-step="wait-for-export"], .insights-steps tr[data-step="collect-figures"]').first().waitFor();
    await screenshot(page, 'insights');

    // a run that finishes now shows up without a reload
    await page.evaluate(() => Object.assign(window, { samePage: true }));
    const late = await client.startWorkflow('email_campaign', { recipients: [], subject: 'late', body: '' }, ref.ref_id, ref.ref_type);
    await waitForRun(client, late.workflowId, ['Completed']);
    await figure(page, 'completed', '2');
    await figure(page, 'success-rate', '50 %');
    expect((await chart(page, 'throughput')).sums).toEqual({ Completed: 2, Errored: 1, Terminated: 1 });
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);

    // each range has its own bucket and so its own number of points; the runs stay counted
    for (const range of ['1h', '7d', '30d', '24h'] as const) {
      await page.click(`.range[data-range="${range}"]`);
      await page.waitForFunction(
        ([r, n]) => document.querySelector('.range[aria-pressed=true]')?.getAttribute('data-range') === r && document.querySelector('figure[data-chart=throughput]')?.getAttribute('data-points') === n,
        [range, String(bucketCount(range))] as const,
      );
      expect((await chart(page, 'throughput')).sums).toEqual({ Completed: 2, Errored: 1, Terminated: 1 });
      if (range === '1h') await screenshot(page, 'insights-1h');
    }
    expect(bucketCount('1h')).toBe(60);
    expect(await page.evaluate(() => location.hash)).toBe(`#/insights?ref_type=${ref.ref_type}&ref_id=${ref.ref_id}`);

    // on a phone the charts shrink to the screen
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => [...document.querySelectorAll('figure[data-chart] canvas')].every((c) => c.getBoundingClientRect().right <= 390));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'insights-phone');

    // the errored run's error is listed, with the step that threw it, and a link that opens the run
    const error = page.locator('li.top-error', { hasText: 'recipients.filter is not a function' }).filter({ hasText: 'step validate-recipients' });
    await error.waitFor();
    await error.locator(`a.example-run[data-run-id="${runs.errored}"]`).click();
    await page.locator('.run-title .badge-errored').waitFor();
    expect(await page.evaluate(() => location.hash)).toBe(`#/runs/${runs.errored}`);
  });

  it('is open to a read key, which sees only the runs in its scope', async () => {
    const admin = serviceClient();
    const ref = { ref_type: 'insights-scoped', ref_id: `scoped-${Date.now()}` };
    await startOutcomes(admin, ref);
    const outside = await admin.startWorkflow('email_campaign', { recipients: [], subject: 'outside', body: '' }, 'elsewhere', 'insights-elsewhere');
    await waitForRun(admin, outside.workflowId, ['Completed']);
    const reader = await admin.createKey({ name: 'insights reader', role: 'read', scopes: { ref_types: [ref.ref_type] } });
    const page = await openInsights(reader.key, `ref_type=${ref.ref_type}&ref_id=${ref.ref_id}`);
    await figure(page, 'completed', '1');
    await figure(page, 'errored', '1');
    await figure(page, 'terminated', '1');
    expect((await chart(page, 'throughput')).points).toBe(24);
    await page.locator('.connection[data-state=live]').waitFor();

    // with no filter the scope still applies: none of the runs of other objects are counted
    await page.goto(`${serviceUrl()}/#/insights?range=1h`);
    await page.waitForFunction(() => document.querySelector('figure[data-chart=throughput]')?.getAttribute('data-points') === '60');
    await figure(page, 'started', '3');
    expect((await admin.getMetrics(rangeWindow('1h'))).totals.started, 'the admin key sees more runs').toBeGreaterThan(3);
    await screenshot(page, 'insights-read-key');
  });
});
