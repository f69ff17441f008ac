import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageWatch, screenshot } from './support/browser.js';
import { STATIC, TEST_API_KEY } from './support/paths.js';
import { serviceClient, serviceUrl, waitForRun } from './support/service.js';

let browser: Browser;
const pages = pageWatch();

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  expect(await pages.closeAll(), 'console errors on the page').toEqual([]);
});

async function open(viewport?: { width: number; height: number }): Promise<Page> {
  const w = await pages.open(browser, viewport);
  await w.page.goto(`${serviceUrl()}/`);
  return w.page;
}

async function signIn(page: Page, key = TEST_API_KEY): Promise<void> {
  await page.fill('#api-key', key);
  await page.click('form.sign-in button[type=submit]');
}

/** Waits until the run's row shows `status`. */
async function rowStatus(page: Page, runId: string, status: string, timeout = 30_000): Promise<void> {
  await page.locator(`tr[data-run-id="${runId}"][data-status="${status}"]`).waitFor({ timeout });
}

describe('the built-in dashboard', () => {
  it('is served from the static folder through Static Assets: the files the build wrote, not part of the Worker', async () => {
    for (const file of ['index.html', 'assets/dashboard.js', 'assets/dashboard.css']) {
      const served = await fetch(`${serviceUrl()}/${file === 'index.html' ? '' : file}`);
      expect(served.status, file).toBe(200);
      expect(await served.text(), file).toBe(readFileSync(join(STATIC, file), 'utf8'));
    }
  });

  it('loads without a key, under a strict CSP with its script as a separate file, while the API needs the key', async () => {
    const page = await fetch(`${serviceUrl()}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="assets/dashboard.js"></script>');
    expect(html).not.toMatch(/<script>|<script type="module">/);
    const script = await fetch(`${serviceUrl()}/assets/dashboard.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const again = await fetch(`${serviceUrl()}/assets/dashboard.js`, { headers: { 'If-None-Match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${serviceUrl()}/api/runs`)).status).toBe(401);
  });

  it('refuses a wrong key and keeps nothing of it', async () => {
    const page = await open();
    pages.expectErrors(/status of 401/);
    await signIn(page, 'not-the-key');
    await page.locator('form.sign-in [role=alert]', { hasText: 'refused' }).waitFor();
    expect(await page.evaluate(() => ({ ...sessionStorage }))).toEqual({});
    expect(await page.locator('table.runs').count()).toBe(0);
  });

  it('shows runs live, answers an approval from the page, and terminates a run', async () => {
    const client = serviceClient();
    const page = await open();
    await signIn(page);
    await page.locator('.connection[data-state=live]').waitFor();
    // the key stays in this tab's sessionStorage, nowhere else
    expect(await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie }))).toEqual({
      session: { 'flowflare.apiKey': TEST_API_KEY },
      local: {},
      cookie: '',
    });

    const order = await client.startWorkflow('order', { items: [{ sku: 'tea', quantity: 2 }], failPayments: 1 }, 'order-e2e', 'order');
    const approval = await client.startWorkflow('approval', { amount: 120, requestedBy: 'ana' }, 'expense-e2e', 'expense');
    const report = await client.startWorkflow('nightly_report', { sleepSeconds: 600 });
    const campaign = await client.startWorkflow('email_campaign', { recipients: ['a@example.com'], subject: 'Hi', body: 'x' }, 'campaign-e2e', 'campaign');

    // they appear and move on without a reload
    await rowStatus(page, approval.workflowId, 'Waiting');
    await rowStatus(page, report.workflowId, 'Sleeping');
    await rowStatus(page, order.workflowId, 'Completed');
    await rowStatus(page, campaign.workflowId, 'Completed');
    // the counts follow: they match the service's once the runs have settled
    const { counts, total } = await client.countRuns();
    await page.waitForFunction(
      ([completed, all]) =>
        document.querySelector('.count[data-status=Completed] .count-value')?.textContent === completed &&
        document.querySelector('.count[data-status=all] .count-value')?.textContent === all,
      [String(counts.Completed), String(total)],
    );
    await screenshot(page, 'dashboard-list');

    // the order's first payment attempt failed and was retried: the waterfall says so
    await page.click(`tr[data-run-id="${order.workflowId}"] a.run-link`);
    const charge = page.locator('li.step[data-step="charge-card"]');
    await charge.locator('[data-attempt="1"]', { hasText: 'card declined (attempt 1)' }).waitFor();
    expect(await charge.locator('[data-attempt="1"]').textContent()).toMatch(/retry (due|scheduled) at/);
    expect(await charge.locator('[data-attempt="2"]').textContent()).toContain('Completed');
    expect(await charge.locator('.seg-failed').count()).toBe(1);
    await page.goBack();

    // the approval waits for its event with a deadline; sending it from the page completes the run
    await page.click(`tr[data-run-id="${approval.workflowId}"] a.run-link`);
    await page.locator('.pause-note', { hasText: 'Waiting for event approval until' }).waitFor();
    await page.locator('li.step[data-step="approval"][data-status="Waiting"]').waitFor();
    // pause and resume it first, each confirmed, each showing up live
    await page.click('button[data-action=pause]');
    await page.click('dialog [data-dialog=confirm]');
    await page.locator('.run-title .badge-paused').waitFor();
    expect(await page.locator('button[data-action=resume]').isEnabled()).toBe(true);
    await page.click('button[data-action=resume]');
    await page.click('dialog [data-dialog=confirm]');
    await page.locator('.run-title .badge-paused').waitFor({ state: 'detached' });
    await page.click('button[data-action=event]');
    expect(await page.inputValue('#event-type')).toBe('approval');
    await page.fill('#event-payload', '{ "approved": true, "by": "e2e" }');
    await page.click('dialog [data-dialog=confirm]');
    await page.locator('.run-title .badge-completed').waitFor({ timeout: 30_000 });
    await page.locator('.json', { hasText: '"by": "e2e"' }).waitFor();
    expect((await client.getRun(approval.workflowId)).output_result).toMatchObject({ booked: { booked: true, by: 'e2e' } });
    await screenshot(page, 'dashboard-run-detail');

    // terminate the sleeping report: asked first, then reflected live
    await page.goto(`${serviceUrl()}/#/runs/${report.workflowId}`);
    await page.locator('.pause-note', { hasText: 'Sleeping until' }).waitFor();
    await page.click('button[data-action=terminate]');
    await page.click('dialog [data-dialog=cancel]');
    await page.locator('dialog').waitFor({ state: 'detached' });
    expect((await client.getRun(report.workflowId)).status).toBe('Sleeping');
    await page.click('button[data-action=terminate]');
    await page.click('dialog [data-dialog=confirm]');
    await page.locator('.run-title .badge-terminated').waitFor();
    expect((await waitForRun(client, report.workflowId, ['Terminated'])).status).toBe('Terminated');
    expect(await page.locator('button[data-action=retry]').isEnabled()).toBe(true);
  });

  it('signs in with any key and shows only what its role and scopes allow', async () => {
    const admin = serviceClient();
    const run = await admin.startWorkflow('nightly_report', { sleepSeconds: 600 });
    const expense = await admin.startWorkflow('approval', { amount: 5, requestedBy: 'bo' }, 'expense-scoped', 'expense');
    const reader = await admin.createKey({ name: 'support desk', role: 'read' });

    const page = await open();
    await signIn(page, reader.key);
    await page.locator('.signed-in', { hasText: 'support desk · read' }).waitFor();
    await page.locator('.connection[data-state=live]').waitFor();
    await page.goto(`${serviceUrl()}/#/runs/${run.workflowId}`);
    await page.locator('.pause-note', { hasText: 'Sleeping until' }).waitFor();
    // no control buttons for a read key, and the audit trail says who started the run
    expect(await page.locator('button[data-action]').count()).toBe(0);
    await page.locator('.audit-list li[data-action=start]', { hasText: 'Started by SERVICE_API_KEY' }).waitFor();
    await screenshot(page, 'dashboard-read-key');

    // a key scoped to one ref_type sees only those runs; its list refreshes without a live topic
    const scoped = await admin.createKey({ name: 'expenses app', role: 'operate', scopes: { ref_types: ['expense'] } });
    const other = await open();
    await signIn(other, scoped.key);
    await rowStatus(other, expense.workflowId, 'Waiting');
    expect(await other.locator(`tr[data-run-id="${run.workflowId}"]`).count()).toBe(0);
    const ids = await other.locator('tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
    for (const id of ids) expect((await admin.getRun(id!)).ref_type).toBe('expense');
    await admin.terminateRun(run.workflowId);
    await admin.terminateRun(expense.workflowId);
  });

  it('filters by workflow, status and business object, and pages through long histories', async () => {
    const client = serviceClient();
    await client.startWorkflows(
      Array.from({ length: 30 }, (_, i) => ({ workflow: 'email_campaign', params: { recipients: [], subject: `bulk ${i}`, body: '' }, ref_type: 'bulk', ref_id: 'b-1' })),
    );
    const page = await open();
    // the filtered list's live socket is held back until the test lets it through
    const held: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/tracker-websocket/, (socket) => {
      if (/ref_id=b-1/.test(socket.url())) held.push(socket);
      else socket.connectToServer();
    });
    await signIn(page);
    await page.locator('.connection[data-state=live]').waitFor();

    await page.fill('#filter-ref-type', 'bulk');
    await page.fill('#filter-ref-id', 'b-1');
    await page.press('#filter-ref-id', 'Enter');
    await page.waitForFunction(() => location.hash === '#/?ref_type=bulk&ref_id=b-1');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run-id]').length === 25);
    await page.click('button.more');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run-id]').length === 30);
    expect(await page.locator('button.more').isHidden()).toBe(true);
    // the live subscription's fresh start, coming after the click, reloads the list and keeps the
    // older page that was loaded
    const reloaded = page.waitForResponse((r) => /\/api\/runs\?/.test(r.url()), { timeout: 30_000 });
    expect(held).toHaveLength(1);
    held[0]!.connectToServer();
    expect(new URL((await reloaded).url()).searchParams.get('limit')).toBe('30');
    await page.waitForTimeout(200);
    expect(await page.locator('tr[data-run-id]').count()).toBe(30);
    expect(await page.locator('button.more').isHidden()).toBe(true);

    // a new run of the object shows up at the top, live
    const late = await client.startWorkflow('email_campaign', { recipients: [], subject: 'late', body: '' }, 'b-1', 'bulk');
    await page.waitForFunction((id) => document.querySelector('tr[data-run-id]')?.getAttribute('data-run-id') === id, late.workflowId);

    await page.selectOption('#filter-workflow', 'approval');
    await page.waitForFunction(() => location.hash.includes('workflow=approval'));
    await page.locator('.empty', { hasText: 'No runs yet.' }).waitFor();

    await page.goto(`${serviceUrl()}/#/?status=Completed`);
    await page.locator('tr[data-run-id]').first().waitFor();
    expect(await page.locator('tr[data-run-id]:not([data-status=Completed])').count()).toBe(0);
    expect(await page.locator('.count[aria-pressed=true]').getAttribute('data-status')).toBe('Completed');
  });

  it('shows a dropped connection, reconnects by itself and catches up on what it missed', async () => {
    const client = serviceClient();
    const page = await open();
    // The page's sockets pass through the browser's own routing, so the test can cut them.
    let cut = false;
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/api\/tracker-websocket/, (socket) => {
      if (cut) return void socket.close({ code: 1011, reason: 'cut by the test' });
      socket.connectToServer();
      sockets.push(socket);
    });
    await signIn(page);
    await page.locator('.connection[data-state=live]').waitFor();

    // While the socket is cut, the subscriber asks the service over HTTP why it cannot connect; the
    // service answers 426 (it wants a WebSocket), which the browser logs: an outage's only trace.
    pages.expectErrors(/status of 426/);
    cut = true;
    for (const socket of sockets.splice(0)) await socket.close({ code: 1011, reason: 'cut by the test' });
    await page.locator('.connection[data-state=reconnecting]', { hasText: 'Reconnecting…' }).waitFor();
    const missed = await client.startWorkflow('email_campaign', { recipients: ['z@example.com'], subject: 'while away', body: '' }, 'away-1', 'campaign');
    await waitForRun(client, missed.workflowId, ['Completed']);
    expect(await page.locator(`tr[data-run-id="${missed.workflowId}"]`).count()).toBe(0);

    cut = false;
    await page.locator('.connection[data-state=live]').waitFor({ timeout: 30_000 });
    await rowStatus(page, missed.workflowId, 'Completed');
    expect(await page.locator(`tr[data-run-id="${missed.workflowId}"]`).count()).toBe(1);
  });

  it('works with the keyboard alone', async () => {
    const page = await open();
    await page.keyboard.type(TEST_API_KEY); // the key field has the focus
    await page.keyboard.press('Enter');
    await page.locator('tr[data-run-id]').first().waitFor();
    let focused = '';
    for (let i = 0; i < 30 && focused !== 'run-link'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.className ?? '');
    }
    expect(focused).toBe('run-link');
    await page.keyboard.press('Enter');
    await page.locator('.run-title').waitFor();
    expect(await page.evaluate(() => location.hash)).toMatch(/^#\/runs\//);
  });

  it('fits a phone screen', async () => {
    const page = await open({ width: 390, height: 844 });
    await signIn(page);
    await page.locator('tr[data-run-id]').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'dashboard-list-phone');
    await page.click('a.run-link >> nth=0');
    await page.locator('.timeline .step').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'dashboard-run-detail-phone');
  });
});
