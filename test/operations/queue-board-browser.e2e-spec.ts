import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { ALL_QUEUES, QueueName } from '../../src/queue/queue-names';
import { QueueProducer } from '../../src/queue/queue.producer';
import { Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

interface Violation {
  directive: string;
  blocked: string;
}

/** The board's UI in Chromium, under the policy the app sends for it (QUEUE_BOARD_CSP). */
describe('the queue dashboard in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseURL: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseURL = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it("renders every queue for an admin with no policy violation of the board's own code", async () => {
    const cookie = (await new Make(t).admin()).credential.cookie!;
    const [name, value] = cookie.split('=');
    const context = await browser.newContext({ baseURL });
    await context.addCookies([{ name, value, url: baseURL }]);
    const page = await context.newPage();
    await page.addInitScript(() => {
      const seen: Violation[] = [];
      (globalThis as unknown as { violations: Violation[] }).violations = seen;
      // Runs in the page; this project compiles without the DOM library, hence the shape.
      const scope = globalThis as unknown as {
        document: {
          addEventListener: (
            type: 'securitypolicyviolation',
            listener: (event: { effectiveDirective: string; blockedURI: string }) => void,
          ) => void;
        };
      };
      scope.document.addEventListener('securitypolicyviolation', (event) =>
        seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI }),
      );
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    const pageViolations = () =>
      page.evaluate(() => (globalThis as unknown as { violations: Violation[] }).violations);
    await page.goto('/admin/queues');
    for (const queue of ALL_QUEUES) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 30_000 });
    }
    const violations = await pageViolations();

    // A job's page: its data is shown through the board's code-highlighting worker.
    const importId = randomUUID();
    const jobId = await t.app
      .get(QueueProducer)
      .enqueue(QueueName.Import, importId, { importId }, { delay: 3_600_000 });
    await page.goto(`/admin/queues/queue/${QueueName.Import}?status=delayed`);
    await page.getByText(jobId).first().waitFor({ timeout: 30_000 });
    await page.getByText(importId).first().waitFor({ timeout: 30_000 });
    violations.push(...(await pageViolations()));
    // Only the third-party font stylesheet the board links is held back (on purpose).
    expect(violations.filter((v) => !v.blocked.startsWith('https://fonts.googleapis.com'))).toEqual(
      [],
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
