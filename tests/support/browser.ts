// Headless Chromium (the Debian package at /usr/bin/chromium) through playwright-core, with a fresh profile per
// run, collecting every page error, console error and failed request so tests can assert there were none.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface TestBrowser {
  context: BrowserContext;
  /** Seen on any page so far: uncaught exceptions, console.error (CSP violations land there), 4xx/5xx responses, failed loads. */
  problems: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'fibrotrack-chromium-'));
  // launchPersistentContext is playwright's way to pass --user-data-dir (a fresh, empty profile).
  // UTC and en-GB so the dates a test expects on screen do not depend on the machine's settings.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (err) => problems.push(`pageerror on ${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      // Chromium logs every 4xx/5xx load as "Failed to load resource" without the URL; responses below name it.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        problems.push(`console.error on ${page.url()}: ${msg.text()}`);
    });
    page.on('response', (res) => {
      // The browser's own favicon probe is not something a page asked for.
      if (res.status() >= 400 && new URL(res.url()).pathname !== '/favicon.ico')
        problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
    });
    page.on('requestfailed', (req) => {
      // A navigation the page itself replaced (fhirclient redirecting away) is aborted by design.
      if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`);
    });
  };
  context.on('page', watch);
  for (const page of context.pages()) watch(page);
  return {
    context,
    problems,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
