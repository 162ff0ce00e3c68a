import { Make, readingSet, scores, studyWithTeam, waitForStatus } from '../support/factories';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from '../support/test-app';
import { A11yAudit } from './a11y';
import { BrowserApp, openPage, signIn, startBrowserApp, UserPage } from './browser';

/*
 * Electronic signatures, corrections and the study lock in a real browser: a rater signs a read
 * (a wrong password is refused and loses nothing; the right one signs); the admin sees the
 * signature in the results, reopens the read with a reason, and locks the study (banner).
 * Screenshots in artifacts/screenshots, axe on every screen.
 */
describe('signing a read in a real browser', () => {
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

  it('a rater signs a read; the admin sees the signature, reopens the read and locks the study', async () => {
    const { browser, baseURL } = app!;
    const make = new Make(t);
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
    const { set, tasks } = await readingSet(t, team.study.id, 'SIG-WEB-01', 'v1');
    const [mine, other] = tasks;
    const rater = team.raters.find((r) => r.user.id === mine.raterId)!;
    const otherRater = team.raters.find((r) => r.user.id === other.raterId)!;

    const raterPage = await openPage(browser, baseURL);
    pages.push(raterPage);
    const r = raterPage.page;
    await signIn(r, rater.user.email, rater.password);
    await r.goto(`/read/${mine.id}`);
    for (const [label, value] of [
      ['Top (40%) – % loss', '40'],
      ['Back (24%) – % loss', '40'],
      ['Left (18%) – % loss', '40'],
      ['Right (18%) – % loss', '40'],
    ] as const) {
      await r.getByLabel(label, { exact: true }).fill(value);
    }
    await r.getByRole('button', { name: 'Submit read…' }).click();
    const dialog = r.getByRole('dialog', { name: `Sign and submit read ${mine.readCode}?` });
    await dialog.getByText(rater.user.name).waitFor();
    await dialog.getByText('I attest this is my independent assessment').waitFor();
    const password = dialog.getByLabel('Password (re-enter to sign)');
    await a11y.capture(r, 'sig-01-rater-signature-dialog');

    // A wrong password: refused, nothing saved, the form and its values stay.
    await password.fill('not my password');
    await dialog.getByRole('button', { name: 'Sign, submit and next' }).click();
    await dialog.getByText(/password is incorrect/).waitFor();
    await dialog
      .getByText(/2 attempts left/)
      .first()
      .waitFor();
    await a11y.capture(r, 'sig-02-rater-wrong-password');
    expect((await tasksStatus())[mine.id]).toBe('assigned');

    await password.fill(rater.password);
    await dialog.getByRole('button', { name: 'Sign, submit and next' }).click();
    await r.waitForURL(/\/queue/);
    expect((await tasksStatus())[mine.id]).toBe('submitted');

    await otherRater.client.post(`/reads/${other.id}/score`, scores(44)).expect(201);
    await waitForStatus(t, [set.id], (status) => status === 'final');

    // The admin: the signature in the results; reopen the read for a correction.
    const adminPage = await openPage(browser, baseURL);
    pages.push(adminPage);
    const a = adminPage.page;
    await signIn(a, ADMIN_EMAIL, ADMIN_PASSWORD);
    await a.goto(`/studies/${team.study.id}/results`);
    const row = a.getByRole('row', { name: /SIG-WEB-01/ });
    await row.getByText(`Signed by ${rater.user.name}`).waitFor();
    expect(await row.innerText()).toContain('I attest this is my independent assessment');
    await a11y.capture(a, 'sig-03-admin-results-signatures');
    const readLabel = mine.slot === 1 ? 'Read A' : 'Read B';
    await row.getByRole('button', { name: `Reopen ${readLabel}…` }).click();
    const reopen = a.getByRole('dialog', { name: /for a correction\?/ });
    await reopen.getByLabel(/Reason/).fill('Rater reported a typo in the top view');
    await a11y.capture(a, 'sig-04-admin-reopen-dialog');
    await reopen.getByRole('button', { name: 'Reopen read' }).click();
    await waitForStatus(t, [set.id], (status) => status === 'reading');

    // The rater finds it back in the queue and signs the correction "Corrected".
    await r.goto(`/read/${mine.id}`);
    await r.getByLabel('Top (40%) – % loss', { exact: true }).fill('44');
    for (const label of ['Back (24%) – % loss', 'Left (18%) – % loss', 'Right (18%) – % loss']) {
      await r.getByLabel(label, { exact: true }).fill('44');
    }
    await r.getByRole('button', { name: 'Submit read…' }).click();
    const corrected = r.getByRole('dialog', { name: `Sign and submit read ${mine.readCode}?` });
    await corrected.getByText('Corrected', { exact: true }).waitFor();
    await a11y.capture(r, 'sig-05-rater-signs-correction');
    await corrected.getByRole('button', { name: 'Sign, submit and next' }).click();
    await r.waitForURL(/\/queue/);
    await waitForStatus(t, [set.id], (status) => status === 'final');

    // The admin locks the study: the banner names the lock.
    await a.goto(`/studies/${team.study.id}`);
    await a.getByRole('button', { name: 'Lock study…' }).click();
    const lock = a.getByRole('dialog', { name: 'Lock the study for analysis?' });
    await lock.getByLabel(/Reason/).fill('Database freeze for the primary analysis');
    await lock.getByRole('button', { name: 'Lock' }).click();
    await a.getByText('Locked for analysis').waitFor();
    await a11y.capture(a, 'sig-06-admin-study-locked');

    expect(raterPage.errors).toEqual([]);
    expect(adminPage.errors).toEqual([]);
    expect(a11y.report()).toEqual([]);

    async function tasksStatus(): Promise<Record<string, string>> {
      const found: { id: string; status: string }[] = await t.db.query(
        'SELECT id, status FROM read_tasks WHERE photo_set_id = $1',
        [set.id],
      );
      return Object.fromEntries(found.map((task) => [task.id, task.status]));
    }
  }, 240_000);
});
