import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page, Response } from 'playwright-core';
import { startTestApp, TestApp } from '../support/test-app';

export const ROOT = resolve(__dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'artifacts', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

/** Builds the SPA with Vite into a fresh directory under tmp/ and returns it. */
export function buildWebApp(): string {
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const outDir = mkdtempSync(join(ROOT, 'tmp', 'web-e2e-'));
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      join(ROOT, 'web/vite.config.ts'),
      '--outDir',
      outDir,
      '--logLevel',
      'error',
    ],
    {
      cwd: ROOT,
      stdio: 'pipe',
      env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    },
  );
  return outDir;
}

/**
 * Debian's Chromium, headless. Playwright gives it a throwaway profile directory of its own
 * (the equivalent of a temp --user-data-dir); every user gets a separate context (cookie jar).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors other than failed HTTP requests. */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 800 },
): Promise<UserPage> {
  const context = await browser.newContext({ baseURL, viewport });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    // A 401 or 409 the app handles still logs "Failed to load resource"; that is not a bug.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

export interface RecordedResponse {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Records every response the page receives, bodies included, until stopped. */
export function recordResponses(page: Page): { stop: () => Promise<RecordedResponse[]> } {
  const pending: Promise<RecordedResponse>[] = [];
  const onResponse = (response: Response) => {
    pending.push(
      (async () => ({
        url: response.url(),
        status: response.status(),
        headers: await response.allHeaders(),
        // Redirects and aborted loads have no body.
        body: await response.body().catch(() => null),
      }))(),
    );
  };
  page.on('response', onResponse);
  return {
    stop: async () => {
      page.off('response', onResponse);
      return Promise.all(pending);
    },
  };
}

/** The whole app (api, workers and the built web app) on a free port, with Chromium to drive it. */
export interface BrowserApp {
  t: TestApp;
  baseURL: string;
  browser: Browser;
  close: () => Promise<void>;
}

export async function startBrowserApp(): Promise<BrowserApp> {
  const webDir = buildWebApp();
  const t = await startTestApp({ env: { WEB_DIR: webDir } });
  const close = async (browser?: Browser): Promise<void> => {
    await browser?.close();
    await t.close();
    rmSync(webDir, { recursive: true, force: true });
  };
  try {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const browser = await launchChromium();
    return { t, baseURL: `http://127.0.0.1:${port}`, browser, close: () => close(browser) };
  } catch (error) {
    await close();
    throw error;
  }
}
