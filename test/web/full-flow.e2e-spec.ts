import { rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { makeZip, ZipEntry } from '../photo-sets/zip-helpers';
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

// What a rater must never learn about the set they score.
const SUBJECT = 'SUBJ-Q7X4K';
const VISIT = 'Week-12-VZK';
const VISIT_DATE = '2026-03-17';
const FORBIDDEN = [SUBJECT, VISIT, VISIT_DATE, '2026:03:17', '17/03/2026', '03/17/2026'];

const VIEWS = ['top', 'back', 'left', 'right'] as const;
type View = (typeof VIEWS)[number];

interface Person {
  key: string;
  name: string;
  email: string;
  password: string;
  role: 'coordinator' | 'rater' | 'adjudicator' | 'auditor';
}

const people: Person[] = [
  { key: 'coordinator', name: 'Cora Coordinator', role: 'coordinator' },
  { key: 'rater1', name: 'Rhea Rater', role: 'rater' },
  { key: 'rater2', name: 'Kai Keyboard', role: 'rater' },
  { key: 'adjudicator', name: 'Ada Adjudicator', role: 'adjudicator' },
  { key: 'auditor', name: 'Otto Auditor', role: 'auditor' },
].map((p) => ({
  ...(p as Omit<Person, 'email' | 'password'>),
  email: `${p.key}@flow.test`,
  password: `${p.key}-password-long`,
}));
const person = (key: string): Person => people.find((p) => p.key === key) as Person;

/** A small JPEG per view that carries the subject, visit and date in its EXIF, as cameras do. */
async function photo(view: View, index: number): Promise<Buffer> {
  const hue = [200, 30, 120, 300][index];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
    <rect width="320" height="240" fill="hsl(${hue},35%,55%)"/>
    <ellipse cx="160" cy="130" rx="110" ry="80" fill="hsl(${hue},25%,30%)"/>
    <circle cx="${120 + index * 20}" cy="120" r="28" fill="hsl(30,40%,80%)"/>
  </svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: {
        ImageDescription: `${SUBJECT} ${VISIT} ${view}`,
        DateTime: '2026:03:17 09:30:00',
      },
    })
    .toBuffer();
}

/** Drops a file onto an element the way a browser drag from the desktop does. */
async function dropFile(page: Page, selector: string, name: string, bytes: Buffer): Promise<void> {
  // Runs in the page, which has DOM types; this file is compiled without them.
  const dataTransfer = await page.evaluateHandle(
    `(() => {
      const binary = atob(${JSON.stringify(bytes.toString('base64'))});
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], ${JSON.stringify(name)}, { type: 'image/jpeg' }));
      return transfer;
    })()`,
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

function leaks(responses: RecordedResponse[], extra: string[]): string[] {
  const found: string[] = [];
  for (const response of responses) {
    const haystacks = [
      response.url,
      JSON.stringify(response.headers),
      response.body ? response.body.toString('latin1') : '',
    ];
    for (const secret of FORBIDDEN) {
      if (haystacks.some((text) => text.includes(secret))) {
        found.push(`${secret} in ${response.status} ${response.url}`);
      }
    }
  }
  for (const text of extra) {
    for (const secret of FORBIDDEN) if (text.includes(secret)) found.push(`${secret} in ${text}`);
  }
  return found;
}

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

  async function as(who: string, viewport?: { width: number; height: number }): Promise<Page> {
    const userPage = await openPage(browser, baseURL, viewport);
    pages.push(userPage);
    const { email, password } =
      who === 'admin' ? { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } : person(who);
    await signIn(userPage.page, email, password);
    return userPage.page;
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

  it(
    'takes one photo set from study set-up to a verified audit trail',
    () =>
      withFailureScreenshots(async () => {
        // ── Admin: users, study, members ───────────────────────────────────────────────────────
        const admin = await as('admin');
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
        await admin.getByLabel('Study code').fill('AA-FLOW-01');
        await admin.getByLabel('Title').fill('Browser flow study');
        await admin.getByLabel('Thresholds (discordant across any of them)').fill('20');
        await admin.getByRole('button', { name: 'Create study' }).click();
        await admin.getByRole('form', { name: 'Add a member' }).waitFor();
        const studyId = new URL(admin.url()).pathname.split('/')[2];
        for (const p of people) {
          const form = admin.getByRole('form', { name: 'Add a member' });
          await form.getByLabel('User').selectOption({ label: `${p.name} (${p.email})` });
          await form.getByLabel(p.role, { exact: true }).check();
          await form.getByRole('button', { name: 'Add member' }).click();
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
        await admin.getByLabel('Study code').fill('AA-FLOW-01');
        await admin.getByLabel('Title').fill('Same code again');
        await admin.getByRole('button', { name: 'Create study' }).click();
        const serverError = admin.getByRole('alert');
        await serverError.getByText(/^Request ID: \S+/).waitFor();
        expect(await serverError.innerText()).toMatch(/AA-FLOW-01|exists|already/i);
        await screenshot(admin, '03b-admin-server-error');

        // ── Coordinator: upload one set by dragging each image onto its view ───────────────────
        const coordinator = await as('coordinator');
        await coordinator.getByRole('link', { name: 'AA-FLOW-01' }).click();
        await coordinator.getByRole('link', { name: 'Upload' }).click();
        await coordinator.getByLabel('Subject code').fill(SUBJECT);
        await coordinator.getByLabel('Visit', { exact: true }).fill(VISIT);
        await coordinator.getByLabel('Visit date (optional)').fill(VISIT_DATE);
        for (const [index, view] of VIEWS.entries()) {
          await dropFile(
            coordinator,
            `.drop-zone[data-view="${view}"]`,
            `${view}.jpg`,
            await photo(view, index),
          );
        }
        await coordinator.getByRole('img', { name: /Preview of the Right/ }).waitFor();
        await screenshot(coordinator, '04-coordinator-upload');
        await coordinator.getByRole('button', { name: 'Upload photo set' }).click();
        await coordinator.getByText('Uploaded. The set is being processed').waitFor();

        // A bulk import whose manifest has problems is rejected, with every bad row listed.
        await coordinator.getByRole('link', { name: 'ZIP import' }).click();
        const manifest = [
          'subject_code,visit,visit_date,view,file',
          ...VIEWS.map((view) => `SUBJ-ZIP1,Baseline,2026-01-05,${view},zip1/${view}.jpg`),
          ...VIEWS.slice(0, 3).map(
            (view) => `SUBJ-ZIP2,Baseline,2026-01-06,${view},zip2/${view}.jpg`,
          ),
          'SUBJ-ZIP3,Baseline,2026-01-07,top,missing.jpg',
        ].join('\n');
        const zipEntries: ZipEntry[] = [{ name: 'manifest.csv', data: Buffer.from(manifest) }];
        for (const [index, view] of VIEWS.entries()) {
          zipEntries.push({ name: `zip1/${view}.jpg`, data: await photo(view, index) });
          if (view !== 'right')
            zipEntries.push({ name: `zip2/${view}.jpg`, data: await photo(view, index) });
        }
        await coordinator.getByLabel('ZIP archive').setInputFiles({
          name: 'sets.zip',
          mimeType: 'application/zip',
          buffer: await makeZip(zipEntries),
        });
        await coordinator.getByRole('button', { name: 'Start import' }).click();
        await coordinator
          .getByRole('heading', { name: 'Import rejected' })
          .waitFor({ timeout: 30_000 });
        await coordinator.getByRole('cell', { name: /SUBJ-ZIP2.*lacks the right view/ }).waitFor();
        await coordinator
          .getByRole('cell', { name: /missing\.jpg/ })
          .first()
          .waitFor();
        await screenshot(coordinator, '05-coordinator-import-errors');

        await coordinator.getByRole('link', { name: 'Overview' }).click();
        // The set is ingested and assigned to both raters by the workers.
        await coordinator
          .locator('dd[data-status="reading"]')
          .filter({ hasText: '1' })
          .waitFor({ timeout: 30_000 });
        await screenshot(coordinator, '05-coordinator-progress');

        // ── Rater 1, with mouse and typing; every response the page receives is recorded ──────
        const rater1 = await openPage(browser, baseURL);
        pages.push(rater1);
        const recorded1 = recordResponses(rater1.page);
        const r1 = rater1.page;
        const seen1: string[] = [];
        await signIn(r1, person('rater1').email, person('rater1').password);
        await r1.getByTestId('queue-counts').filter({ hasText: '1 left' }).waitFor();
        expect(await r1.getByTestId('queue-counts').innerText()).toMatch(
          /1\s*left\s*0\s*done today/,
        );
        await screenshot(r1, '06-rater-queue');
        await r1.getByRole('button', { name: 'Start reading' }).click();
        await r1.waitForURL(/\/read\//);
        const readCode1 = (await r1.locator('.read-code').innerText()).trim();
        await r1.getByLabel('Top (40%) – % loss', { exact: true }).fill('50');
        await r1.getByLabel('Back (24%) – % loss', { exact: true }).fill('25');
        await r1.getByLabel('Left (18%) – % loss', { exact: true }).fill('10');
        // Bad input gets an inline message, and no SALT until it is fixed.
        await r1.getByLabel('Right (18%) – % loss', { exact: true }).fill('180');
        await r1.getByRole('button', { name: 'Submit read…' }).click();
        await r1.getByText('Must be between 0 and 100.').waitFor();
        expect(await r1.getByTestId('live-salt').innerText()).toBe('—');
        await r1.getByLabel('Right (18%) – % loss', { exact: true }).fill('80');
        // DESIGN.md test vector: 50/25/10/80 → 42.2, computed live in the page.
        await r1.getByTestId('live-salt').filter({ hasText: '42.2' }).waitFor();
        // The draft is saved on the server: a reload loses nothing.
        await r1.getByText('Draft saved').waitFor();
        seen1.push(await r1.title(), r1.url());
        await r1.reload();
        await expect(
          r1.getByLabel('Right (18%) – % loss', { exact: true }).inputValue(),
        ).resolves.toBe('80');
        await expect(
          r1.getByLabel('Top (40%) – % loss', { exact: true }).inputValue(),
        ).resolves.toBe('50');
        await r1.getByTestId('live-salt').filter({ hasText: '42.2' }).waitFor();
        await screenshot(r1, '07-rater-scoring');
        seen1.push(await r1.content());
        // A view opens large; the wheel zooms it.
        await r1.getByRole('button', { name: 'Open Top (40%) view large' }).click();
        const stage = r1.getByRole('group', { name: /Top \(40%\) image/ });
        await stage.hover();
        await r1.mouse.wheel(0, -300);
        await r1
          .getByRole('group', { name: /Top \(40%\) image, (1[2-9]\d|[2-9]\d\d)% zoom/ })
          .waitFor();
        await screenshot(r1, '08-rater-view-zoomed');
        await r1.getByRole('button', { name: 'Close' }).click();
        await r1.getByRole('button', { name: 'Submit read…' }).click();
        await r1.getByRole('dialog', { name: `Submit read ${readCode1}?` }).waitFor();
        await screenshot(r1, '09-rater-confirm');
        seen1.push(await r1.title(), r1.url());
        await r1.getByRole('button', { name: 'Submit and next' }).click();
        await r1.getByText('All caught up.').waitFor();
        expect(await r1.getByTestId('queue-counts').innerText()).toMatch(
          /0\s*left\s*1\s*done today/,
        );
        seen1.push(await r1.title(), r1.url());
        const responses1 = await recorded1.stop();

        // ── Rater 2, by keyboard alone ─────────────────────────────────────────────────────────
        const rater2 = await openPage(browser, baseURL, { width: 1024, height: 768 });
        pages.push(rater2);
        const recorded2 = recordResponses(rater2.page);
        const r2 = rater2.page;
        const seen2: string[] = [];
        const k = r2.keyboard;
        await r2.goto('/login');
        // The email field has focus on arrival.
        await r2.locator('#login-email:focus').waitFor();
        await k.type(person('rater2').email);
        await k.press('Tab');
        await k.type(person('rater2').password);
        await k.press('Enter');
        await r2.getByTestId('queue-counts').filter({ hasText: '1 left' }).waitFor();
        // The start button has focus.
        await k.press('Enter');
        await r2.waitForURL(/\/read\//);
        await r2.getByTestId('live-salt').waitFor();
        const readCode2 = (await r2.locator('.read-code').innerText()).trim();
        expect(readCode2).not.toBe(readCode1);
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
        expect(await r2.getByLabel('Left (18%) – % loss', { exact: true }).inputValue()).toBe('15');
        await screenshot(r2, '10-rater-keyboard-1024');
        seen2.push(await r2.content());
        await k.press('Enter');
        await r2.getByRole('dialog', { name: `Submit read ${readCode2}?` }).waitFor();
        seen2.push(await r2.title(), r2.url());
        await k.press('Enter');
        await r2.getByText('All caught up.').waitFor();
        seen2.push(await r2.title(), r2.url());
        const responses2 = await recorded2.stop();

        // Blinding: nothing a rater's browser received names the subject, visit or date.
        for (const [responses, seen] of [
          [responses1, seen1],
          [responses2, seen2],
        ] as const) {
          expect(responses.some((r) => r.url.includes('/images/'))).toBe(true);
          expect(responses.some((r) => r.url.includes('/draft') || r.url.includes('/score'))).toBe(
            true,
          );
          expect(leaks(responses, seen)).toEqual([]);
        }

        // ── Adjudicator ────────────────────────────────────────────────────────────────────────
        // On a 1024×768 tablet.
        const adjudicator = await as('adjudicator', { width: 1024, height: 768 });
        await adjudicator
          .getByTestId('queue-counts')
          .filter({ hasText: '1 left' })
          .waitFor({ timeout: 30_000 });
        await adjudicator.getByRole('button', { name: 'Start adjudicating' }).click();
        await adjudicator.waitForURL(/\/adjudication\//);
        await adjudicator.locator('[data-rule="max-difference"]').waitFor();
        await adjudicator.locator('[data-rule="threshold"]').waitFor();
        const salts = await adjudicator.locator('.salt-compare tbody td').allInnerTexts();
        expect(salts.slice(0, 2).sort()).toEqual(['10.8', '42.2']);
        expect(salts[2]).toBe('31.4');
        await screenshot(adjudicator, '11-adjudicator-compare-1024');
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
        await own.getByLabel('Top (40%) – % loss', { exact: true }).fill('40');
        await own.getByLabel('Back (24%) – % loss', { exact: true }).fill('20');
        await own.getByLabel('Left (18%) – % loss', { exact: true }).fill('10');
        await own.getByLabel('Right (18%) – % loss', { exact: true }).fill('60');
        await own.getByTestId('live-salt').filter({ hasText: '33.4' }).waitFor();
        await screenshot(adjudicator, '11b-adjudicator-own-read');
        await own.getByRole('button', { name: 'Record own read' }).click();
        await adjudicator.getByText('All discordant pairs are decided.').waitFor();

        // ── Coordinator: the result, final from adjudication ───────────────────────────────────
        await coordinator.getByRole('link', { name: 'Results' }).click();
        await coordinator.getByRole('cell', { name: SUBJECT }).waitFor();
        const row = coordinator.getByRole('row').filter({ hasText: SUBJECT });
        await row.getByRole('cell', { name: '33.4' }).waitFor();
        expect(await row.innerText()).toContain('adjudicated (own read)');
        await screenshot(coordinator, '12-coordinator-results');

        // ── Auditor: the set's timeline and the chain ──────────────────────────────────────────
        const auditor = await as('auditor');
        await auditor.getByRole('heading', { name: 'Audit trail' }).waitFor();
        await auditor.getByRole('cell', { name: 'adjudication.decided' }).first().waitFor();
        await screenshot(auditor, '13-auditor-trail');
        await auditor.getByRole('link', { name: 'Studies' }).click();
        await auditor.getByRole('link', { name: 'AA-FLOW-01' }).click();
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
        await auditor.getByTestId('verify-result').waitFor();
        expect(await auditor.getByTestId('verify-result').innerText()).toMatch(
          /^Chain intact: \d+ events checked\.$/,
        );
        await screenshot(auditor, '14-auditor-timeline');
        await auditor.getByRole('link', { name: 'Studies' }).click();
        await auditor.getByRole('link', { name: 'AA-FLOW-01' }).click();
        await auditor.getByRole('link', { name: 'Agreement' }).click();
        await auditor.getByText('1 (1 discordant)').waitFor();
        await screenshot(auditor, '15-auditor-agreement');

        // ── A session that ends mid-work lands on a clear page ─────────────────────────────────
        await admin.getByRole('link', { name: 'Users' }).click();
        await admin.getByRole('button', { name: 'Deactivate Otto Auditor' }).click();
        await admin.getByRole('button', { name: 'Reactivate Otto Auditor' }).waitFor();
        await auditor.getByRole('link', { name: 'Audit trail' }).click();
        await auditor.getByRole('heading', { name: 'Your session has ended' }).waitFor();
        expect(new URL(auditor.url()).pathname).toBe('/expired');
        await screenshot(auditor, '16-session-expired');
        expect(studyId).toMatch(/^[0-9a-f-]{36}$/);
      }),
    300_000,
  );
});
