import { rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '../support/test-app';
import {
  buildWebApp,
  launchChromium,
  openPage,
  recordResponses,
  RecordedResponse,
  screenshot,
  signIn,
  UserPage,
} from './browser';
import {
  badImportZip,
  dropFile,
  goodImportZip,
  leaks,
  people,
  person,
  photo,
  readScreen,
  SUBJECT,
  VIEW_LABEL,
  VIEWS,
  VISIT,
  VISIT_DATE,
  ZIP_SUBJECT,
} from './flow-fixtures';

const STUDY = 'AA-FLOW-01';

describe('the web app in a real browser', () => {
  let t: TestApp;
  let webDir: string;
  let browser: Browser;
  let baseURL: string;
  const pages: UserPage[] = [];

  beforeAll(async () => {
    webDir = buildWebApp();
    t = await startTestApp({ env: { WEB_DIR: webDir } });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseURL = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const { context } of pages) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  async function newPage(viewport?: { width: number; height: number }): Promise<Page> {
    const userPage = await openPage(browser, baseURL, viewport);
    pages.push(userPage);
    return userPage.page;
  }

  async function as(who: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await newPage(viewport);
    const { email, password } =
      who === 'admin' ? { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } : person(who);
    await signIn(page, email, password);
    return page;
  }

  /** On failure, a screenshot of every open page shows where each user was stuck. */
  async function withFailureScreenshots(flow: () => Promise<void>): Promise<void> {
    try {
      await flow();
    } catch (error) {
      for (const [index, { page }] of pages.entries()) {
        await screenshot(page, `failure-page-${index}`).catch(() => undefined);
      }
      throw error;
    }
  }

  async function adminSetsUpTheStudy(admin: Page): Promise<void> {
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    // Inline validation before anything is sent.
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.getByText('Enter a valid email address.').waitFor();
    for (const p of people) {
      const form = admin.getByRole('form', { name: 'Create a user' });
      await form.getByLabel('Name').fill(p.name);
      await form.getByLabel('Email').fill(p.email);
      await form.getByLabel('Initial password').fill(p.password);
      await form.getByLabel(p.role, { exact: true }).check();
      await form.getByRole('button', { name: 'Create user' }).click();
      await admin.getByText(`Created ${p.email}.`).waitFor();
    }
    await screenshot(admin, '01-admin-users');

    await admin.getByRole('link', { name: 'Studies' }).click();
    await admin.getByRole('button', { name: 'New study…' }).click();
    await admin.getByLabel('Study code').fill(STUDY);
    await admin.getByLabel('Title').fill('Browser flow study');
    await admin.getByLabel('Thresholds (discordant across any of them)').fill('20');
    await admin.getByRole('button', { name: 'Create study' }).click();
    const addMember = admin.getByRole('form', { name: 'Add a member' });
    await addMember.waitFor();
    expect(new URL(admin.url()).pathname).toMatch(/^\/studies\/[0-9a-f-]{36}\/members$/);
    for (const p of people) {
      await addMember.getByLabel('User').selectOption({ label: `${p.name} (${p.email})` });
      await addMember.getByLabel(p.role, { exact: true }).check();
      await addMember.getByRole('button', { name: 'Add member' }).click();
      await admin.getByRole('cell', { name: p.email }).waitFor();
    }
    await screenshot(admin, '02-admin-members');

    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByLabel('Discordant when |A − B| exceeds (SALT points)').fill('8');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Say why the charter changes.').waitFor();
    await admin.getByLabel(/Reason for the change/).fill('Charter v2: tighter agreement limit');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Saved.').waitFor();
    await screenshot(admin, '03-admin-settings');

    // A server error shows its message and the request id to quote.
    await admin.getByRole('link', { name: 'Studies' }).click();
    await admin.getByRole('button', { name: 'New study…' }).click();
    await admin.getByLabel('Study code').fill(STUDY);
    await admin.getByLabel('Title').fill('Same code again');
    await admin.getByRole('button', { name: 'Create study' }).click();
    const serverError = admin.getByRole('alert');
    await serverError.getByText(/^Request ID: \S+/).waitFor();
    expect(await serverError.innerText()).toMatch(/already exists/i);
    await screenshot(admin, '03b-admin-server-error');
  }

  async function coordinatorAddsSets(coordinator: Page): Promise<void> {
    await coordinator.getByRole('link', { name: STUDY }).click();
    await coordinator.getByRole('link', { name: 'Upload' }).click();
    await coordinator.getByLabel('Subject code').fill(SUBJECT);
    await coordinator.getByLabel('Visit', { exact: true }).fill(VISIT);
    await coordinator.getByLabel('Visit date (optional)').fill(VISIT_DATE);
    // The camera files name subject, visit and date in their EXIF; the server must strip that.
    expect((await photo('top')).toString('latin1')).toContain(SUBJECT);
    for (const view of VIEWS) {
      await dropFile(
        coordinator,
        `.drop-zone[data-view="${view}"]`,
        `${view}.jpg`,
        await photo(view),
      );
    }
    await coordinator.getByRole('img', { name: /Preview of the Right/ }).waitFor();
    await screenshot(coordinator, '04-coordinator-upload');
    await coordinator.getByRole('button', { name: 'Upload photo set' }).click();
    await coordinator.getByText('Uploaded. The set is being processed').waitFor();

    // Bulk import: a bad archive is rejected with every bad row listed...
    await coordinator.getByRole('link', { name: 'ZIP import' }).click();
    const archive = coordinator.getByLabel('ZIP archive');
    await archive.setInputFiles({
      name: 'bad.zip',
      mimeType: 'application/zip',
      buffer: await badImportZip(),
    });
    await coordinator.getByRole('button', { name: 'Start import' }).click();
    await coordinator
      .getByRole('heading', { name: 'Import rejected' })
      .waitFor({ timeout: 30_000 });
    await coordinator.getByRole('cell', { name: /SUBJ-BAD2.*lacks the right view/ }).waitFor();
    await coordinator
      .getByRole('cell', { name: /missing\.jpg/ })
      .first()
      .waitFor();
    await screenshot(coordinator, '05-coordinator-import-errors');
    // ...and a good one runs to completion.
    await archive.setInputFiles({
      name: 'good.zip',
      mimeType: 'application/zip',
      buffer: await goodImportZip(),
    });
    await coordinator.getByRole('button', { name: 'Start import' }).click();
    await coordinator
      .getByRole('heading', { name: 'Import completed' })
      .waitFor({ timeout: 30_000 });
    await coordinator.getByText('1 of 1 sets processed').waitFor();

    await coordinator.getByRole('link', { name: 'Overview' }).click();
    // Both sets are ingested and assigned to both raters by the workers.
    await coordinator
      .locator('dd[data-status="reading"]')
      .filter({ hasText: '2' })
      .waitFor({ timeout: 30_000 });
    await screenshot(coordinator, '05b-coordinator-progress');
    await coordinator.getByRole('link', { name: 'Photo sets' }).click();
    await coordinator.getByRole('link', { name: SUBJECT }).click();
    for (const view of ['Top (40%)', 'Back (24%)', 'Left (18%)', 'Right (18%)']) {
      await coordinator.getByRole('img', { name: `${view} view` }).waitFor();
    }
    await screenshot(coordinator, '05c-coordinator-set');
  }

  /** Rater 1 with mouse and typing; returns what the page received and showed. */
  async function raterScoresWithMouse(): Promise<{
    responses: RecordedResponse[];
    seen: string[];
  }> {
    const r1 = await newPage();
    const recording = recordResponses(r1);
    const seen: string[] = [];
    await signIn(r1, person('rater1').email, person('rater1').password);
    const counts = r1.getByTestId('queue-counts');
    await counts.filter({ hasText: '2 left' }).waitFor();
    expect(await counts.innerText()).toMatch(/2\s*left\s*0\s*done today/);
    await screenshot(r1, '06-rater-queue');
    await r1.getByRole('button', { name: 'Start reading' }).click();
    await r1.waitForURL(/\/read\//);
    const first = await readScreen(r1);
    const field = (view: keyof typeof VIEW_LABEL) =>
      r1.getByLabel(VIEW_LABEL[view], { exact: true });
    await field('top').fill('50');
    await field('back').fill('25');
    await field('left').fill('10');
    // Bad input gets an inline message, and no SALT until it is fixed.
    await field('right').fill('180');
    await r1.getByRole('button', { name: 'Submit read…' }).click();
    await r1.getByText('Must be between 0 and 100.').waitFor();
    expect(await r1.getByTestId('live-salt').innerText()).toBe('—');
    await field('right').fill('80');
    // DESIGN.md test vector: 50/25/10/80 → 42.2, computed live in the page.
    await r1.getByTestId('live-salt').filter({ hasText: '42.2' }).waitFor();
    // The draft is saved on the server: a reload loses nothing.
    await r1.getByText('Draft saved').waitFor();
    await r1.reload();
    expect(await field('right').inputValue()).toBe('80');
    expect(await field('top').inputValue()).toBe('50');
    await r1.getByTestId('live-salt').filter({ hasText: '42.2' }).waitFor();
    await screenshot(r1, '07-rater-scoring');
    seen.push(...(await readScreen(r1)).seen);
    // A view opens large; the wheel zooms it.
    await r1.getByRole('button', { name: 'Open Top (40%) view large' }).click();
    await r1.getByRole('group', { name: /Top \(40%\) image/ }).hover();
    await r1.mouse.wheel(0, -300);
    await r1
      .getByRole('group', { name: /Top \(40%\) image, (1[2-9]\d|[2-9]\d\d)% zoom/ })
      .waitFor();
    // Dragging pans the zoomed image.
    const image = r1.locator('.viewer-stage img');
    const stage = await r1.locator('.viewer-stage').boundingBox();
    if (!stage) throw new Error('viewer stage not laid out');
    const [cx, cy] = [stage.x + stage.width / 2, stage.y + stage.height / 2];
    const beforeDrag = await image.getAttribute('style');
    await r1.mouse.move(cx, cy);
    await r1.mouse.down();
    await r1.mouse.move(cx + 80, cy + 50, { steps: 5 });
    await r1.mouse.up();
    expect(await image.getAttribute('style')).not.toBe(beforeDrag);
    expect(await image.getAttribute('style')).toMatch(/translate\((?!0px, 0px)/);
    // Two fingers moving apart zoom further (a pinch, as on a tablet).
    const zoomOf = async () =>
      Number(
        /(\d+)% zoom/.exec(
          (await r1.locator('.viewer-stage').getAttribute('aria-label')) ?? '',
        )?.[1],
      );
    const beforePinch = await zoomOf();
    const cdp = await r1.context().newCDPSession(r1);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 2 });
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints:
          type === 'touchEnd'
            ? []
            : [
                { x: cx - spread, y: cy, id: 1 },
                { x: cx + spread, y: cy, id: 2 },
              ],
      });
    await touch('touchStart', 40);
    for (const spread of [60, 80, 100, 120]) await touch('touchMove', spread);
    await touch('touchEnd', 0);
    expect(await zoomOf()).toBeGreaterThan(beforePinch);
    await screenshot(r1, '08-rater-view-zoomed');
    await r1.getByRole('button', { name: 'Close' }).click();
    await r1.getByRole('button', { name: 'Submit read…' }).click();
    await r1.getByRole('dialog', { name: `Submit read ${first.code}?` }).waitFor();
    await screenshot(r1, '09-rater-confirm');
    await r1.getByRole('button', { name: 'Submit and next' }).click();

    // Straight on to the next set, with a fresh form.
    await r1.waitForURL((url) => url.href !== first.seen[1]);
    await r1.locator('.read-code').filter({ hasNotText: first.code }).waitFor();
    const second = await readScreen(r1);
    expect(second.code).not.toBe(first.code);
    expect(await field('top').inputValue()).toBe('');
    expect(await r1.getByTestId('live-salt').innerText()).toBe('—');
    seen.push(...second.seen);
    for (const [view, value] of [
      ['top', '50'],
      ['back', '25'],
      ['left', '10'],
      ['right', '80'],
    ] as const) {
      await field(view).fill(value);
    }
    await r1.getByRole('button', { name: 'Submit read…' }).click();
    await r1.getByRole('button', { name: 'Submit and next' }).click();
    await r1.getByText('All caught up.').waitFor();
    expect(await counts.innerText()).toMatch(/0\s*left\s*2\s*done today/);
    seen.push(await r1.title(), r1.url(), await r1.content());
    return { responses: await recording.stop(), seen };
  }

  /** Rater 2 by keyboard alone, on a 1024×768 tablet. */
  async function raterScoresByKeyboard(): Promise<{
    responses: RecordedResponse[];
    seen: string[];
  }> {
    const r2 = await newPage({ width: 1024, height: 768 });
    const recording = recordResponses(r2);
    const seen: string[] = [];
    const k = r2.keyboard;
    await r2.goto('/login');
    // The email field has focus on arrival.
    await r2.locator('#login-email:focus').waitFor();
    await screenshot(r2, '00-login-1024');
    await k.type(person('rater2').email);
    await k.press('Tab');
    await k.type(person('rater2').password);
    await k.press('Enter');
    await r2.getByTestId('queue-counts').filter({ hasText: '2 left' }).waitFor();
    // The start button has focus.
    await k.press('Enter');
    await r2.waitForURL(/\/read\//);
    const codes: string[] = [];
    for (let set = 0; set < 2; set++) {
      await r2.getByTestId('live-salt').filter({ hasText: '—' }).waitFor();
      const screen = await readScreen(r2);
      expect(codes).not.toContain(screen.code);
      codes.push(screen.code);
      await k.press('1');
      await k.type('10');
      await k.press('Escape');
      await k.press('2');
      await k.type('5');
      await k.press('Escape');
      await k.press('3');
      await k.type('5');
      await k.press('Shift+ArrowUp'); // 15
      await k.press('Escape');
      await k.press('4');
      await k.type('20');
      for (let i = 0; i < 4; i++) await k.press('ArrowDown'); // 16
      // 10/5/15/16 → 10.8: discordant with 42.2 by difference and across the threshold 20.
      await r2.getByTestId('live-salt').filter({ hasText: '10.8' }).waitFor();
      expect(await r2.getByLabel(VIEW_LABEL.left, { exact: true }).inputValue()).toBe('15');
      if (set === 0) await screenshot(r2, '10-rater-keyboard-1024');
      seen.push(...(await readScreen(r2)).seen);
      await k.press('Enter');
      await r2.getByRole('dialog', { name: `Submit read ${screen.code}?` }).waitFor();
      await k.press('Enter');
      if (set === 0) {
        await r2.waitForURL((url) => url.href !== screen.seen[1]);
        await r2.locator('.read-code').filter({ hasNotText: screen.code }).waitFor();
      }
    }
    await r2.getByText('All caught up.').waitFor();
    seen.push(await r2.title(), r2.url(), await r2.content());
    return { responses: await recording.stop(), seen };
  }

  async function adjudicatorDecides(adjudicator: Page): Promise<void> {
    await adjudicator
      .getByTestId('queue-counts')
      .filter({ hasText: '2 left' })
      .waitFor({ timeout: 30_000 });
    await adjudicator.getByRole('button', { name: 'Start adjudicating' }).click();
    await adjudicator.waitForURL(/\/adjudication\//);
    await adjudicator.locator('[data-rule="max-difference"]').waitFor();
    await adjudicator.locator('[data-rule="threshold"]').waitFor();
    const salts = await adjudicator.locator('.salt-compare tbody td').allInnerTexts();
    expect(salts.slice(0, 2).sort()).toEqual(['10.8', '42.2']);
    expect(salts[2]).toBe('31.4');
    await screenshot(adjudicator, '11-adjudicator-compare-1024');
    const firstCode = (await adjudicator.locator('.read-code').innerText()).trim();
    // The rationale is required whatever the choice.
    await adjudicator.getByRole('radio', { name: /^Read A/ }).check();
    await adjudicator.getByRole('button', { name: 'Record decision' }).click();
    await adjudicator.getByText('Write a rationale of at least 10 characters.').waitFor();
    // An own read, on the same form the raters use: 40/20/10/60 → 33.4.
    await adjudicator.getByRole('radio', { name: 'My own read' }).check();
    await adjudicator
      .getByLabel(/Rationale/)
      .fill('Both reads misjudge the vertex; own read from the full-size views.');
    const own = adjudicator.getByRole('region', { name: 'Your own read' });
    for (const [view, value] of [
      ['top', '40'],
      ['back', '20'],
      ['left', '10'],
      ['right', '60'],
    ] as const) {
      await own.getByLabel(VIEW_LABEL[view], { exact: true }).fill(value);
    }
    await own.getByTestId('live-salt').filter({ hasText: '33.4' }).waitFor();
    await screenshot(adjudicator, '11b-adjudicator-own-read');
    await own.getByRole('button', { name: 'Record own read' }).click();

    // Straight on to the second pair: choose Read A.
    await adjudicator.locator('.read-code').filter({ hasNotText: firstCode }).waitFor();
    await adjudicator.getByRole('radio', { name: /^Read A/ }).check();
    await adjudicator.getByLabel(/Rationale/).fill('Read A matches the visible vertex loss.');
    await adjudicator.getByRole('button', { name: 'Record decision' }).click();
    await adjudicator.getByText('All discordant pairs are decided.').waitFor();
  }

  async function coordinatorSeesResults(coordinator: Page): Promise<void> {
    await coordinator.getByRole('link', { name: 'Results' }).click();
    const row = (subject: string) => coordinator.getByRole('row').filter({ hasText: subject });
    await row(SUBJECT)
      .getByRole('cell', { name: /^adjudicated/ })
      .waitFor();
    await row(ZIP_SUBJECT)
      .getByRole('cell', { name: /^adjudicated/ })
      .waitFor();
    const finals = await coordinator.locator('td.num.strong').allInnerTexts();
    // One pair got the own read (33.4), the other Read A, whichever rater's that was.
    expect(finals).toHaveLength(2);
    expect(finals).toContain('33.4');
    expect(['10.8', '42.2']).toContain(finals.find((value) => value !== '33.4'));
    await screenshot(coordinator, '12-coordinator-results');
  }

  async function auditorReviews(auditor: Page): Promise<void> {
    await auditor.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await auditor.getByRole('cell', { name: 'adjudication.decided' }).first().waitFor();
    await screenshot(auditor, '13-auditor-trail');
    await auditor.getByRole('link', { name: 'Studies' }).click();
    await auditor.getByRole('link', { name: STUDY }).click();
    await auditor.getByRole('link', { name: 'Photo sets' }).click();
    await auditor
      .getByRole('row')
      .filter({ hasText: SUBJECT })
      .getByRole('link', { name: 'Timeline' })
      .click();
    await auditor.getByRole('heading', { name: 'Entity timeline' }).waitFor();
    for (const action of ['photo-set.uploaded', 'read.submitted', 'adjudication.decided']) {
      await auditor.getByRole('cell', { name: action }).first().waitFor();
    }
    await auditor.getByRole('button', { name: 'Verify chain' }).click();
    const verdict = auditor.getByTestId('verify-result');
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/^Chain intact: \d+ events checked\.$/);
    await screenshot(auditor, '14-auditor-timeline');
    await auditor.getByRole('link', { name: 'Studies' }).click();
    await auditor.getByRole('link', { name: STUDY }).click();
    await auditor.getByRole('link', { name: 'Agreement' }).click();
    await auditor.getByText('2 (2 discordant)').waitFor();
    await screenshot(auditor, '15-auditor-agreement');
  }

  it(
    'takes photo sets from study set-up to a verified audit trail',
    () =>
      withFailureScreenshots(async () => {
        const admin = await as('admin');
        await adminSetsUpTheStudy(admin);
        const coordinator = await as('coordinator');
        await coordinatorAddsSets(coordinator);

        const rater1 = await raterScoresWithMouse();
        const rater2 = await raterScoresByKeyboard();
        // Blinding: nothing a rater's browser received or showed names subject, visit or date.
        for (const { responses, seen } of [rater1, rater2]) {
          expect(
            responses.filter((r) => r.url.includes('/images/') && r.body?.length).length,
          ).toBeGreaterThanOrEqual(8);
          expect(responses.some((r) => r.url.includes('/score'))).toBe(true);
          expect(leaks(responses, seen)).toEqual([]);
        }

        await adjudicatorDecides(await as('adjudicator', { width: 1024, height: 768 }));
        await coordinatorSeesResults(coordinator);
        const auditor = await as('auditor');
        await auditorReviews(auditor);

        // A session that ends mid-work lands on a clear page.
        await admin.getByRole('link', { name: 'Users' }).click();
        await admin.getByRole('button', { name: 'Deactivate Otto Auditor' }).click();
        await admin.getByRole('button', { name: 'Reactivate Otto Auditor' }).waitFor();
        await auditor.getByRole('link', { name: 'Audit trail' }).click();
        await auditor.getByRole('heading', { name: 'Your session has ended' }).waitFor();
        expect(new URL(auditor.url()).pathname).toBe('/expired');
        await screenshot(auditor, '16-session-expired');
      }),
    300_000,
  );
});
