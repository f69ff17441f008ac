import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS } from './paths.js';

/** Debian's Chromium, installed by `.ci/run` (apt-get install chromium). */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches headless Chromium with nothing that reaches the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page that records every console error and uncaught exception. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and page errors seen so far. */
  errors: string[];
}

/** Opens a page in a fresh context (its own sessionStorage) that records errors. */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { page, context, errors };
}

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/**
 * The pages a test file opens, so that each test ends by closing them and reporting the console
 * errors they logged, less those the test said to expect.
 */
export function pageWatch(): {
  /** Opens a watched page (see {@link watchedPage}). */
  open(browser: Browser, viewport?: { width: number; height: number }): Promise<WatchedPage>;
  /** Console errors the current test expects (the browser logs refused requests as errors). */
  expectErrors(...patterns: RegExp[]): void;
  /** Closes every page opened since the last call; resolves with the unexpected errors they logged. */
  closeAll(): Promise<string[]>;
} {
  let watched: WatchedPage[] = [];
  let expected: RegExp[] = [];
  return {
    async open(browser, viewport) {
      const w = await watchedPage(browser, viewport);
      watched.push(w);
      return w;
    },
    expectErrors(...patterns) {
      expected = patterns;
    },
    async closeAll() {
      const errors = watched.flatMap((w) => w.errors).filter((e) => !expected.some((re) => re.test(e)));
      await Promise.all(watched.map((w) => w.context.close()));
      watched = [];
      expected = [];
      return errors;
    },
  };
}
