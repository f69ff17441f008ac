import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRule } from '../../src/shared/alerts.js';
import { launchChromium, pageWatch, screenshot } from './support/browser.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { ID_HEADER, verifyWebhookSignature } from '../../src/client/index.js';
import { TEST_API_KEY, TEST_WEBHOOK_SECRET } from './support/paths.js';
import { serviceClient, serviceUrl, waitForRun } from './support/service.js';

let browser: Browser;
let receiver: Receiver;
const pages = pageWatch();

beforeAll(async () => {
  browser = await launchChromium();
  receiver = await startReceiver();
});

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
});

afterEach(async () => {
  expect(await pages.closeAll(), 'console errors on the page').toEqual([]);
});

/** Opens the dashboard at `hash`, signed in with `key`, once its live connection is up. */
async function openSignedIn(hash: string, key = TEST_API_KEY): Promise<Page> {
  const w = await pages.open(browser);
  await w.page.goto(`${serviceUrl()}/${hash}`);
  await w.page.fill('#api-key', key);
  await w.page.click('form.sign-in button[type=submit]');
  await w.page.locator('.connection[data-state=live]').waitFor();
  return w.page;
}

/** Marks the page, so that a test can tell it was not reloaded. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
}

async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
}

const rule = (page: Page, name: string) => page.locator(`tr[data-rule-name="${name}"]`);

describe('alerts in the dashboard', () => {
  it('creates a rule from the page; a failed run fires it, live in the alert list and as a mark on the run, and its webhook is delivered', async () => {
    const client = serviceClient();
    const name = `failed orders ${Date.now()}`;
    const hook = `${receiver.url}/hooks/orders`;
    const alerts = await openSignedIn('#/alerts');
    await alerts.locator('.alerts-view h1', { hasText: 'Alerts' }).waitFor();

    // the form shows only the chosen kind's fields
    await alerts.click('.rule-form-section summary');
    await alerts.selectOption('#rule-kind', 'failure_rate');
    expect(await alerts.locator('#rule-rate').isVisible()).toBe(true);
    expect(await alerts.locator('input[name=statuses]').first().isVisible()).toBe(false);
    await alerts.selectOption('#rule-kind', 'run_failed');
    expect(await alerts.locator('#rule-rate').isVisible()).toBe(false);
    // nothing is sent without a destination
    await alerts.fill('#rule-name', name);
    await alerts.click('.rule-form button[type=submit]');
    await alerts.locator('.rule-form .form-error', { hasText: 'Add at least one destination' }).waitFor();

    await alerts.fill('#rule-scope_workflow', 'order');
    await alerts.uncheck('input[name=statuses][value=Terminated]');
    await alerts.fill('input[name=destination_target]', hook);
    // what the service refuses is named under the form, and what was typed stays
    pages.expectErrors(/status of 400/);
    await alerts.fill('#rule-cooldown', 'soon');
    await alerts.click('.rule-form button[type=submit]');
    await alerts.locator('.rule-form .form-error', { hasText: 'cooldown' }).waitFor();
    expect(await alerts.inputValue('input[name=destination_target]')).toBe(hook);
    await alerts.fill('#rule-cooldown', '1 minute');
    await alerts.click('.rule-form button[type=submit]');
    await rule(alerts, name).waitFor();
    expect(await rule(alerts, name).textContent()).toContain('A run ends Errored');
    expect(await rule(alerts, name).textContent()).toContain('workflow order');

    // the service stored what the form said
    const stored = (await client.listAlertRules()).rules.find((r) => r.name === name);
    expect(stored).toMatchObject({ kind: 'run_failed', scope: { workflow: 'order' }, statuses: ['Errored'], destinations: [{ type: 'webhook', url: hook }], cooldown_ms: 60_000, source: 'api', muted_until: null });

    // a second page follows the run list; neither is reloaded from here on
    const list = await openSignedIn('#/');
    await markPage(alerts);
    await markPage(list);

    // an order whose card is always declined runs out of retries and errors; one that pays does not alert
    const failing = await client.startWorkflow('order', { items: [{ sku: 'tea', quantity: 1 }], failPayments: 99 }, 'order-alert-e2e', 'order');
    const paying = await client.startWorkflow('order', { items: [{ sku: 'tea', quantity: 1 }], failPayments: 0 }, 'order-ok-e2e', 'order');
    await list.locator(`tr[data-run-id="${paying.workflowId}"][data-status=Completed]`).waitFor({ timeout: 30_000 });
    const errored = await waitForRun(client, failing.workflowId, ['Errored'], 90_000);
    expect(errored.error?.message).toContain('card declined');

    // the alert shows up in the list without a reload, and its delivery moves on to delivered
    const row = alerts.locator(`tr[data-alert-id]:has(a[href="#/runs/${failing.workflowId}"])`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(name);
    await alerts.locator(`tr[data-alert-id][data-state=delivered]:has(a[href="#/runs/${failing.workflowId}"])`).waitFor({ timeout: 30_000 });
    expect(await row.locator('[data-label=Delivered] time').count()).toBe(1);

    // it is the alert the service recorded, and the receiver got it signed, keyed by the alert's id
    const recorded = (await client.listAlerts({ run_id: failing.workflowId })).data;
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ rule_name: name, kind: 'run_failed', run_id: failing.workflowId, state: 'delivered' });
    expect(await row.getAttribute('data-alert-id')).toBe(recorded[0]!.id);
    const delivery = await receiver.waitFor((r) => r.path === '/hooks/orders' && r.body.includes(failing.workflowId));
    expect(delivery.method).toBe('POST');
    expect(delivery.headers[ID_HEADER.toLowerCase()]).toBe(recorded[0]!.id);
    expect(await verifyWebhookSignature(TEST_WEBHOOK_SECRET, delivery.headers, delivery.body)).toBe(true);
    await screenshot(alerts, 'dashboard-alerts');

    // the run list marks the failed run, live, and not the one that paid
    await list.locator(`tr[data-run-id="${failing.workflowId}"] .alert-badge`, { hasText: '1 alert' }).waitFor({ timeout: 30_000 });
    expect(await list.locator(`tr[data-run-id="${paying.workflowId}"] .alert-badge`).count()).toBe(0);
    expect(await wasNotReloaded(alerts)).toBe(true);
    expect(await wasNotReloaded(list)).toBe(true);

    // the run's page has the mark and the alert itself
    await list.click(`tr[data-run-id="${failing.workflowId}"] a.run-link`);
    await list.locator('.run-nav .alert-badge', { hasText: '1 alert' }).waitFor();
    await list.locator(`.run-alerts-section tr[data-alert-id="${recorded[0]!.id}"]`, { hasText: name }).waitFor();
    await screenshot(list, 'dashboard-run-alerts');
    await list.goto(`${serviceUrl()}/#/runs/${paying.workflowId}`);
    await list.locator('.run-title .badge-completed').waitFor();
    expect(await list.locator('.run-alerts-section').isHidden()).toBe(true);
  }, 180_000);

  it('mutes, unmutes and deletes a rule, each as the service records it', async () => {
    const client = serviceClient();
    const name = `stuck approvals ${Date.now()}`;
    const created = await client.createAlertRule({ name, kind: 'run_stuck', scope: { workflow: 'approval' }, status: 'Waiting', after: '2 hours', destinations: [{ type: 'email', to: 'ops@example.com' }] });
    const page = await openSignedIn('#/alerts');
    await rule(page, name).waitFor();
    expect(await rule(page, name).textContent()).toContain('A run stays Waiting for more than 2 h 00 m');

    await rule(page, name).locator('button[data-rule-action=mute]').click();
    await page.selectOption('#mute-duration', { label: '4 hours' });
    const asked = Date.now();
    await page.click('dialog [data-dialog=confirm]');
    await page.locator(`tr[data-rule-name="${name}"][data-muted=true]`).waitFor();
    // the keyboard stays on the rule: its Mute is now Unmute
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-rule-action'))).toBe('unmute');
    const muted = await findRule(name);
    const until = Date.parse(muted.muted_until!);
    expect(until).toBeGreaterThan(asked + 4 * 3_600_000 - 60_000);
    expect(until).toBeLessThan(asked + 4 * 3_600_000 + 60_000);

    await rule(page, name).locator('button[data-rule-action=unmute]').click();
    await page.locator(`tr[data-rule-name="${name}"][data-muted=false]`).waitFor();
    expect((await findRule(name)).muted_until).toBeNull();

    // deleting asks first; cancelled, the rule stays
    await rule(page, name).locator('button[data-rule-action=delete]').click();
    await page.click('dialog [data-dialog=cancel]');
    await page.locator('dialog').waitFor({ state: 'detached' });
    expect((await client.listAlertRules()).rules.some((r) => r.id === created.id)).toBe(true);
    await rule(page, name).locator('button[data-rule-action=delete]').click();
    await page.click('dialog [data-dialog=confirm]');
    await rule(page, name).waitFor({ state: 'detached' });
    expect((await client.listAlertRules()).rules.some((r) => r.id === created.id)).toBe(false);
  });

  it('shows a read key the rules without any way to change them, and an operate key only Mute', async () => {
    const admin = serviceClient();
    const name = `slow reports ${Date.now()}`;
    await admin.createAlertRule({ name, kind: 'p95_duration', threshold: 60_000, window: '1 hour', min_runs: 5, destinations: [{ type: 'slack', url: 'https://hooks.slack.example/services/T0/B0/secret' }] });
    const reader = await admin.createKey({ name: 'alerts reader', role: 'read' });
    const operator = await admin.createKey({ name: 'alerts operator', role: 'operate' });

    const read = await openSignedIn('#/alerts', reader.key);
    await rule(read, name).waitFor();
    expect(await rule(read, name).textContent()).toContain('p95 duration above 1 m 00 s over 1 h 00 m (at least 5 runs)');
    // the webhook's path may hold a secret: only its host shows
    expect(await rule(read, name).textContent()).toContain('slack hooks.slack.example');
    expect(await rule(read, name).textContent()).not.toContain('secret');
    expect(await read.locator('button[data-rule-action]').count()).toBe(0);
    expect(await read.locator('.rule-form-section').count()).toBe(0);
    await screenshot(read, 'dashboard-alerts-read-key');

    const operate = await openSignedIn('#/alerts', operator.key);
    await rule(operate, name).waitFor();
    expect(await rule(operate, name).locator('button[data-rule-action=mute]').count()).toBe(1);
    expect(await operate.locator('button[data-rule-action=delete]').count()).toBe(0);
    expect(await operate.locator('.rule-form-section').count()).toBe(0);

    // the page fits a phone screen
    await operate.setViewportSize({ width: 390, height: 844 });
    await rule(operate, name).waitFor();
    expect(await operate.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

async function findRule(name: string): Promise<AlertRule> {
  const found = (await serviceClient().listAlertRules()).rules.find((r) => r.name === name);
  if (!found) throw new Error(`no rule named ${name}`);
  return found;
}
