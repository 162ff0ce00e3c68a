import { Browser, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from '../support/test-app';
import { A11yAudit } from './a11y';
import {
  BrowserApp,
  openPage,
  recordResponses,
  RecordedResponse,
  screenshot,
  signIn,
  startBrowserApp,
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
  SUBJECT,
  VIEW_LABEL,
  VIEWS,
  VISIT,
  VISIT_DATE,
  ZIP_SUBJECT,
} from './flow-fixtures';
import {
  adminFillsVisitSchedule,
  adminFixesVisitSchedule,
  coordinatorSeesEndpoints,
  seedPilotStudy,
  seedTableInTheBrowser,
} from './endpoint-steps';
import { scoreTwoSetsByKeyboard, scoreTwoSetsWithMouse } from './rater-steps';

const STUDY = 'AA-FLOW-01';

describe('the web app in a real browser', () => {
  let t: TestApp;
  let app: BrowserApp | undefined;
  let browser: Browser;
  let baseURL: string;
  const pages: UserPage[] = [];
  const a11y = new A11yAudit();

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, baseURL, browser } = app);
  }, 120_000);

  afterAll(async () => {
    for (const { context } of pages) await context.close().catch(() => undefined);
    await app?.close();
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

  /** A rater's session with every response the page receives recorded. */
  async function asRater(
    scoring: (page: Page) => Promise<string[]>,
    viewport?: { width: number; height: number },
  ): Promise<{ responses: RecordedResponse[]; seen: string[] }> {
    const page = await newPage(viewport);
    const recording = recordResponses(page);
    const seen = await scoring(page);
    return { responses: await recording.stop(), seen };
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
    await a11y.check(admin, '01a-admin-user-errors');
    for (const p of people) {
      const form = admin.getByRole('form', { name: 'Create a user' });
      await form.getByLabel('Name').fill(p.name);
      await form.getByLabel('Email').fill(p.email);
      await form.getByLabel('Initial password').fill(p.password);
      await form.getByLabel(p.role, { exact: true }).check();
      await form.getByRole('button', { name: 'Create user' }).click();
      await admin.getByText(`Created ${p.email}.`).waitFor();
    }
    await a11y.capture(admin, '01-admin-users');

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
    await a11y.capture(admin, '02-admin-members');

    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByLabel('Discordant when |A − B| exceeds (SALT points)').fill('8');
    await adminFillsVisitSchedule(admin);
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Say why the charter changes.').waitFor();
    await a11y.check(admin, '03a-admin-settings-errors');
    await adminFixesVisitSchedule(admin);
    await admin.getByLabel(/Reason for the change/).fill('Charter v2: tighter agreement limit');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Saved.').waitFor();
    await a11y.capture(admin, '03-admin-settings');

    // A server error shows its message and the request id to quote.
    await admin.getByRole('link', { name: 'Studies' }).click();
    await admin.getByRole('button', { name: 'New study…' }).click();
    await admin.getByLabel('Study code').fill(STUDY);
    await admin.getByLabel('Title').fill('Same code again');
    await admin.getByRole('button', { name: 'Create study' }).click();
    const serverError = admin.getByRole('alert');
    await serverError.getByText(/^Request ID: \S+/).waitFor();
    expect(await serverError.innerText()).toMatch(/already exists/i);
    await a11y.capture(admin, '03b-admin-server-error');
  }

  async function coordinatorAddsSets(coordinator: Page): Promise<void> {
    await coordinator.getByRole('link', { name: STUDY }).waitFor();
    await a11y.check(coordinator, '04a-coordinator-studies');
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
    await a11y.capture(coordinator, '04-coordinator-upload');
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
      .waitFor({ timeout: 60_000 });
    await coordinator.getByRole('cell', { name: /SUBJ-BAD2.*lacks the right view/ }).waitFor();
    await coordinator
      .getByRole('cell', { name: /missing\.jpg/ })
      .first()
      .waitFor();
    // The archive's visit is not on the schedule the admin set: the error names it.
    await coordinator
      .getByRole('cell', { name: /visit "Baseline" is not in the study's visit schedule/ })
      .first()
      .waitFor();
    await a11y.capture(coordinator, '05-coordinator-import-errors');
    // ...and a good one runs to completion.
    await archive.setInputFiles({
      name: 'good.zip',
      mimeType: 'application/zip',
      buffer: await goodImportZip(),
    });
    await coordinator.getByRole('button', { name: 'Start import' }).click();
    await coordinator
      .getByRole('heading', { name: 'Import completed' })
      .waitFor({ timeout: 60_000 });
    await coordinator.getByText('1 of 1 sets processed').waitFor();

    await coordinator.getByRole('link', { name: 'Overview' }).click();
    // Both sets are ingested and assigned to both raters by the workers.
    await coordinator
      .locator('dd[data-status="reading"]')
      .filter({ hasText: '2' })
      .waitFor({ timeout: 60_000 });
    await a11y.capture(coordinator, '05b-coordinator-progress');
    await coordinator.getByRole('link', { name: 'Photo sets' }).click();
    await coordinator.getByRole('link', { name: SUBJECT }).waitFor();
    await a11y.check(coordinator, '05c-coordinator-sets');
    await coordinator.getByRole('link', { name: SUBJECT }).click();
    for (const view of ['Top (40%)', 'Back (24%)', 'Left (18%)', 'Right (18%)']) {
      await coordinator.getByRole('img', { name: `${view} view` }).waitFor();
    }
    await a11y.capture(coordinator, '05c-coordinator-set');
  }

  async function adjudicatorDecides(adjudicator: Page): Promise<void> {
    await adjudicator
      .getByTestId('queue-counts')
      .filter({ hasText: '2 left' })
      .waitFor({ timeout: 60_000 });
    await a11y.check(adjudicator, '10b-adjudicator-queue');
    await adjudicator.getByRole('button', { name: 'Start adjudicating' }).click();
    await adjudicator.waitForURL(/\/adjudication\//);
    await adjudicator.locator('[data-rule="max-difference"]').waitFor();
    await adjudicator.locator('[data-rule="threshold"]').waitFor();
    const salts = await adjudicator.locator('.salt-compare tbody td').allInnerTexts();
    expect(salts.slice(0, 2).sort()).toEqual(['10.8', '42.2']);
    expect(salts[2]).toBe('31.4');
    await a11y.capture(adjudicator, '11-adjudicator-compare-1024');
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
    await a11y.capture(adjudicator, '11b-adjudicator-own-read');
    await own.getByRole('button', { name: 'Record own read' }).click();
    // Signed "Adjudicated"; the first signing of the session re-enters the password.
    const signing = adjudicator.getByRole('dialog', { name: /^Sign decision/ });
    await signing.getByText('Adjudicated', { exact: true }).waitFor();
    await signing.getByLabel('Password (re-enter to sign)').fill(person('adjudicator').password);
    await signing.getByRole('button', { name: 'Sign and record decision' }).click();

    // Straight on to the second pair: choose Read A.
    await adjudicator.locator('.read-code').filter({ hasNotText: firstCode }).waitFor();
    await adjudicator.getByRole('radio', { name: /^Read A/ }).check();
    await adjudicator.getByLabel(/Rationale/).fill('Read A matches the visible vertex loss.');
    await adjudicator.getByRole('button', { name: 'Record decision' }).click();
    await adjudicator.getByRole('button', { name: 'Sign and record decision' }).click();
    await adjudicator.getByText('All discordant pairs are decided.').waitFor();
    await a11y.check(adjudicator, '11c-adjudicator-done');
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
    await a11y.capture(coordinator, '12-coordinator-results');
    await coordinator.setViewportSize({ width: 1024, height: 768 });
    await a11y.capture(coordinator, '12b-coordinator-results-1024');
  }

  async function auditorReviews(auditor: Page): Promise<void> {
    await auditor.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await auditor.getByRole('cell', { name: 'adjudication.decided' }).first().waitFor();
    await a11y.capture(auditor, '13-auditor-trail');
    await auditor.getByRole('link', { name: 'Studies' }).click();
    await auditor.getByRole('link', { name: STUDY }).click();
    await auditor.getByRole('heading', { name: 'Progress' }).waitFor();
    await a11y.check(auditor, '13a-auditor-study');
    await auditor.getByRole('link', { name: 'Photo sets' }).click();
    const setRow = auditor.getByRole('row').filter({ hasText: SUBJECT });
    // Final sets wear the "Final" badge, in the list and on the set's own page.
    await setRow.locator('.status-final').waitFor();
    await a11y.check(auditor, '13b-auditor-sets');
    await setRow.getByRole('link', { name: SUBJECT }).click();
    // The set's own page (its region is named after it), not the list still on screen.
    await auditor
      .getByRole('region', { name: new RegExp(`^${SUBJECT} · `) })
      .locator('.status-final')
      .waitFor();
    await a11y.capture(auditor, '13c-auditor-set');
    await auditor.getByRole('link', { name: '← Photo sets', exact: true }).click();
    await setRow.getByRole('link', { name: 'Timeline' }).click();
    await auditor.getByRole('heading', { name: 'Entity timeline' }).waitFor();
    for (const action of ['photo-set.uploaded', 'read.submitted', 'adjudication.decided']) {
      await auditor.getByRole('cell', { name: action }).first().waitFor();
    }
    await auditor.getByRole('button', { name: 'Verify chain' }).click();
    const verdict = auditor.getByTestId('verify-result');
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/^Chain intact: \d+ events checked\.$/);
    await a11y.capture(auditor, '14-auditor-timeline');
    await auditor.getByRole('link', { name: 'Studies' }).click();
    await auditor.getByRole('link', { name: STUDY }).click();
    // The auditor has the endpoints tab too (as coordinators and admins do).
    await auditor.getByRole('link', { name: 'Endpoints' }).waitFor();
    await auditor.getByRole('link', { name: 'Agreement' }).click();
    await auditor.getByText('2 (2 discordant)').waitFor();
    await a11y.capture(auditor, '15-auditor-agreement');
  }

  it(
    'takes photo sets from study set-up to a verified audit trail',
    () =>
      withFailureScreenshots(async () => {
        const admin = await as('admin');
        await adminSetsUpTheStudy(admin);
        const coordinator = await as('coordinator');
        await coordinatorAddsSets(coordinator);

        const rater1 = await asRater((page) => scoreTwoSetsWithMouse(page, a11y));
        // The keyboard-only rater works on a 1024×768 tablet.
        const rater2 = await asRater((page) => scoreTwoSetsByKeyboard(page, a11y), {
          width: 1024,
          height: 768,
        });
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
        await coordinatorSeesEndpoints(coordinator, a11y);
        const auditor = await as('auditor');
        await auditorReviews(auditor);

        // A session that ends mid-work lands on a clear page.
        // The admin now works on a 1024×768 tablet.
        await admin.setViewportSize({ width: 1024, height: 768 });
        // Their own account: an API token, shown once, then revoked.
        await admin.getByRole('link', { name: 'Administrator' }).click();
        await admin.getByLabel('Token name').fill('export script');
        await admin.getByLabel('Access').selectOption('read');
        await admin.getByRole('button', { name: 'Create token' }).click();
        expect((await admin.getByTestId('new-token').innerText()).length).toBeGreaterThan(20);
        await admin.getByRole('cell', { name: 'Read only' }).waitFor();
        await a11y.capture(admin, '18-account-token-1024');
        await admin.getByRole('button', { name: 'Revoke export script' }).click();
        await admin.getByText('No active tokens.').waitFor();
        await admin.getByRole('link', { name: 'Users' }).click();
        await a11y.capture(admin, '17-admin-users-1024');
        await admin.getByRole('button', { name: 'Deactivate Otto Auditor' }).click();
        await admin.getByRole('button', { name: 'Reactivate Otto Auditor' }).waitFor();
        // The auditor, still on the agreement view, asks for other categories: a new request.
        await auditor.getByLabel('Categories for kappa').selectOption('olsen-s');
        await auditor.getByRole('heading', { name: 'Your session has ended' }).waitFor();
        expect(new URL(auditor.url()).pathname).toBe('/expired');
        await a11y.capture(auditor, '16-session-expired');
        // No screen threw or logged an error along the way.
        expect(pages.flatMap((userPage) => userPage.errors)).toEqual([]);
        // axe found nothing, of any impact, on any screen, signed in as any role.
        expect(a11y.screens.length).toBeGreaterThanOrEqual(30);
        expect(a11y.report()).toEqual([]);
      }),
    300_000,
  );

  it("shows the seed pilot's endpoints, with plots, from five subjects' final reads", async () => {
    const { studyId } = await seedPilotStudy(t);
    const audit = new A11yAudit();
    const admin = await as('admin');
    await withFailureScreenshots(() => seedTableInTheBrowser(admin, studyId, audit));
    expect(pages.flatMap((userPage) => userPage.errors)).toEqual([]);
    expect(audit.report()).toEqual([]);
  }, 120_000);
});
