import { rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Browser, Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '../support/test-app';
import { buildWebApp, launchChromium, openPage, screenshot, signIn, UserPage } from './browser';

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

  it('lets an admin create users, a study, its members and its charter through the pages', async () => {
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

    expect(studyId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
