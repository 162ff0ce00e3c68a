import sharp from 'sharp';
import {
  assign,
  insertReadySet,
  Make,
  studyWithTeam,
  tasksOf,
  waitForStatus,
} from '../support/factories';
import { TestApp } from '../support/test-app';
import { A11yAudit } from './a11y';
import { BrowserApp, openPage, signIn, startBrowserApp, UserPage } from './browser';

/*
 * Image queries in a real browser: a rater marks the vertex not evaluable instead of scoring it,
 * and the coordinator finds the query ("a reader"), answers it with a replacement image, and
 * sees the earlier image kept as a restricted version. Screenshots in artifacts/screenshots,
 * axe on every screen.
 */
describe('image queries in a real browser', () => {
  let t: TestApp;
  let app: BrowserApp | undefined;
  const pages: UserPage[] = [];
  const a11y = new A11yAudit();

  beforeAll(async () => {
    app = await startBrowserApp();
    t = app.t;
  }, 120_000);

  afterAll(async () => {
    for (const userPage of pages) await userPage.context.close().catch(() => undefined);
    await app?.close();
  });

  it('a rater marks a view not evaluable; the coordinator answers with a replacement', async () => {
    const { browser, baseURL } = app!;
    const make = new Make(t);
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 0, coordinators: 1 });
    const set = await insertReadySet(t, team.study.id, 'IQ-WEB-01', 'v1');
    await assign(t, [set.id]);
    await waitForStatus(t, [set.id], (status) => status === 'reading');
    const [raterTask] = await tasksOf(t, [set.id]);
    const rater = team.raters.find((r) => r.user.id === raterTask.raterId)!;

    // The rater scores three views and marks the vertex blurred.
    const raterPage = await openPage(browser, baseURL);
    pages.push(raterPage);
    const r = raterPage.page;
    await signIn(r, rater.user.email, rater.password);
    await r.goto(`/read/${raterTask.id}`);
    await r.getByLabel('Back (24%) – % loss', { exact: true }).fill('30');
    await r.getByLabel('Left (18%) – % loss', { exact: true }).fill('20');
    await r.getByLabel('Right (18%) – % loss', { exact: true }).fill('25');
    await r.getByText('A view cannot be evaluated?').click();
    await r.getByLabel('Top (40%) view', { exact: true }).selectOption('blurred');
    await a11y.capture(r, 'iq-01-rater-not-evaluable');
    await r.getByRole('button', { name: 'Send image query…' }).click();
    const dialog = r.getByRole('dialog', { name: 'Send an image query?' });
    await dialog.getByText('Top (40%): Blurred').waitFor();
    await a11y.capture(r, 'iq-02-rater-confirm-query');
    await dialog.getByRole('button', { name: 'Send image query' }).click();
    await r.waitForURL(/\/queue$/);
    await waitForStatus(t, [set.id], (status) => status === 'query');
    await a11y.capture(r, 'iq-03-rater-queue-after-query');

    // The coordinator sees "a reader", the view, the reason and the age.
    const coordinatorPage = await openPage(browser, baseURL);
    pages.push(coordinatorPage);
    const c = coordinatorPage.page;
    const coordinator = team.coordinators[0];
    await signIn(c, coordinator.user.email, coordinator.password);
    await c.goto(`/studies/${team.study.id}/queries`);
    const row = c.getByRole('row', { name: /IQ-WEB-01/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('a reader');
    expect(await row.innerText()).toContain('Top (40%): Blurred');
    expect(await c.content()).not.toContain(rater.user.name);
    await a11y.capture(c, 'iq-04-coordinator-query-list');
    await row.getByRole('link', { name: /IQ-WEB-01/ }).click();
    await c.getByRole('heading', { name: 'Image queries' }).waitFor();
    await a11y.capture(c, 'iq-05-coordinator-set-with-query');

    // A replacement for the vertex: re-encoded, the reads voided, the same pair again.
    const replacement = await sharp({
      create: { width: 480, height: 360, channels: 3, background: { r: 70, g: 120, b: 190 } },
    })
      .jpeg()
      .toBuffer();
    await c.getByLabel('New top (40%) image').setInputFiles({
      name: 'top.jpg',
      mimeType: 'image/jpeg',
      buffer: replacement,
    });
    await c.getByRole('button', { name: 'Upload replacement' }).click();
    await c.getByText('Answered with a replacement image').waitFor({ timeout: 30_000 });
    await c.getByRole('table', { name: /Image versions/ }).waitFor();
    // The set itself follows: back in reading, the new vertex image shown.
    await c.getByRole('button', { name: 'Open Top (40%) view large' }).waitFor();
    await c.locator('.status-reading').waitFor();
    // The coordinator sees the new image, not a cached copy of the earlier one.
    const topImage = c.getByRole('img', { name: 'Top (40%) view' });
    await c.waitForFunction(
      (img) => (img as unknown as { complete: boolean }).complete,
      await topImage.elementHandle(),
    );
    expect(
      await topImage.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(16);
    await a11y.capture(c, 'iq-06-coordinator-answered-replacement');
    await waitForStatus(t, [set.id], (status) => status === 'reading');
    const fresh = (await tasksOf(t, [set.id])).filter((task) => task.status === 'assigned');
    expect(fresh.map((task) => task.raterId).sort()).toEqual(
      team.raters.map((m) => m.user.id).sort(),
    );

    // The rater finds the set back in the queue under a new read code.
    const mine = fresh.find((task) => task.raterId === rater.user.id)!;
    await r.goto('/queue');
    await r.getByTestId('queue-counts').filter({ hasText: '1 left' }).waitFor();
    await r.getByRole('button', { name: /Start reading|Continue/ }).click();
    await r.waitForURL(new RegExp(`/read/${mine.id}$`));
    await r.getByText(mine.readCode).first().waitFor();
    expect(mine.readCode).not.toBe(raterTask.readCode);
    await a11y.capture(r, 'iq-07-rater-new-read-code');

    expect(raterPage.errors).toEqual([]);
    expect(coordinatorPage.errors).toEqual([]);
    expect(a11y.report()).toEqual([]);
  }, 180_000);
});
