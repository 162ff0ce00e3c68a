import { DriftService } from '../../src/reader-quality/drift.service';
import { RereadsService } from '../../src/reader-quality/rereads.service';
import {
  calibrationSet,
  charter,
  readCalibration,
  seedFinalSets,
  tasksOfRater,
} from '../support/reader-quality-fixtures';
import { addMember, ApiClient, createStudy, Make, MadeUser } from '../support/factories';
import { waitFor } from '../support/processes';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from '../support/test-app';
import { A11yAudit } from './a11y';
import { BrowserApp, openPage, signIn, startBrowserApp, UserPage } from './browser';

interface OverviewRater {
  raterId: string;
  status: string;
  suspended: boolean;
}

/*
 * The reader-quality tab in a real browser: three raters with seeded final reads (one drifts
 * upward and is flagged), re-reads, a rater who failed qualification and one still in training.
 * The admin qualifies the failed rater by hand (a short reason is refused with a clear message),
 * the auditor sees the same page without actions, and the rater in training sees only their own
 * state on their queue. axe on every screen; screenshots in artifacts/screenshots.
 */
describe('reader quality in a real browser', () => {
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

  it('shows qualification, p-chart, drift, re-reads and alerts; admin acts, auditor reads, rater sees only their own state', async () => {
    const { browser, baseURL } = app!;
    const make = new Make(t);
    const admin: ApiClient = await make.admin();
    const study = await createStudy(
      admin,
      charter({ qualificationSetCount: 1, rereadShare: 0.1, washoutDays: 0, washoutReads: 0 }),
    );
    const member = async (name: string): Promise<MadeUser> => {
      const made = await make.user(['rater'], name);
      await addMember(admin, study.id, made.user.id, ['rater']);
      return made;
    };
    const [ada, ben, cyd] = [
      await member('Ada Reader'),
      await member('Ben Reader'),
      await member('Cyd Reader'),
    ];
    // Three pairs of 60 final sets, interleaved in time; Ada reads 16 points high on the last
    // 20 sets of each of her pairs (discordant, and drift from the final score).
    const start = new Date(Date.now() - 5 * 24 * 3_600_000);
    const pairs: [MadeUser, MadeUser][] = [
      [ada, ben],
      [ben, cyd],
      [cyd, ada],
    ];
    for (const [p, [x, y]] of pairs.entries()) {
      await seedFinalSets(
        t,
        study.id,
        [x.user.id, y.user.id],
        60,
        new Date(start.getTime() + p * 60_000),
        (i) => {
          const truth = 20 + (i % 7) * 5;
          const spread = i % 9 === 0 ? 12 : (i % 3) - 1;
          const late = i >= 40 ? 16 : 0;
          return [
            truth + (x === ada ? late : 0) + (x === ada ? 0 : spread),
            truth + (y === ada ? late : 0),
          ];
        },
        3,
      );
    }
    // Qualification: one calibration set; Dee fails it, Eve has not read it yet.
    const dee = await member('Dee Reader');
    const eve = await member('Eve Reader');
    await calibrationSet(t, admin, study.id, 40);
    for (const rater of [ada, ben, cyd]) await readCalibration(t, rater, 1);
    await readCalibration(t, dee, 25);
    // Re-reads of a tenth of the final sets, a few points off the first read.
    await t.app.get(RereadsService, { strict: false }).scheduleDue(study.id);
    for (const rater of [ada, ben, cyd]) {
      const rereads = (await tasksOfRater(t, rater.user.id)).filter((x) => x.kind === 'reread');
      for (const [index, task] of rereads.entries()) {
        const [{ salt }] = await t.db.query(
          `SELECT o.salt::float8 AS salt FROM rereads x JOIN reads o ON o.id = x.original_read_id
            WHERE x.read_task_id = $1`,
          [task.id],
        );
        const value = Math.max(0, Math.min(100, (salt as number) + ((index * 7) % 9) - 4));
        await rater.client
          .post(`/reads/${task.id}/score`, { top: value, back: value, left: value, right: value })
          .expect(201);
      }
    }
    await t.app.get(DriftService, { strict: false }).checkDrift(study.id);
    const stateOf = async (rater: MadeUser) => {
      const { body } = await admin.get(`/studies/${study.id}/reader-quality`).expect(200);
      return (body.raters as OverviewRater[]).find((r) => r.raterId === rater.user.id)!;
    };
    await waitFor(async () => (await stateOf(dee)).status === 'failed', 30_000);

    // The admin's view.
    const adminPage = await openPage(browser, baseURL);
    pages.push(adminPage);
    const a = adminPage.page;
    await signIn(a, ADMIN_EMAIL, ADMIN_PASSWORD);
    await a.goto(`/studies/${study.id}`);
    await a.getByRole('link', { name: 'Reader quality' }).click();
    const raters = a.getByRole('table', { name: 'Raters and their qualification' });
    await raters.waitFor();
    const row = (name: string) => raters.getByRole('row', { name: new RegExp(name) });
    expect(await row('Dee Reader').innerText()).toContain('Failed');
    expect(await row('Eve Reader').innerText()).toContain('In training');
    expect(await row('Ben Reader').innerText()).toContain('Qualified');
    // Ada's chart is out of control, with an alert listed.
    const alerts = a.getByRole('table', { name: 'Alerts raised by the discordance charts' });
    await alerts
      .getByRole('row', { name: /Ada Reader/ })
      .first()
      .waitFor();
    await a.getByLabel('Rater', { exact: true }).selectOption({ label: 'Ada Reader' });
    await a
      .getByRole('img', { name: /^Discordance p-chart for Ada Reader: \d+ subgroups, [1-9]/ })
      .waitFor();
    await a.getByText('The p-chart as a table').click();
    await a.getByRole('cell', { name: 'No: out of control' }).first().waitFor();
    await a.getByRole('img', { name: /Bland–Altman plot of \d+ re-reads by Ada Reader/ }).waitFor();
    await a11y.capture(a, 'rq-01-admin-reader-quality');

    // Qualify Dee by hand: a short reason is refused in the dialog, a real one is kept.
    await row('Dee Reader').getByRole('button', { name: 'Qualify Dee Reader by hand' }).click();
    const dialog = a.getByRole('dialog', { name: 'Qualify Dee Reader by hand?' });
    await dialog.getByLabel('Reason (kept in the audit trail)').fill('ok');
    await dialog.getByRole('button', { name: 'Qualify' }).click();
    await dialog.getByText('Say why in at least 10 characters (2 so far).').waitFor();
    await a11y.capture(a, 'rq-02-admin-grant-reason-too-short');
    await dialog
      .getByLabel('Reason (kept in the audit trail)')
      .fill('Reviewed the calibration read with the lead reader');
    await dialog.getByRole('button', { name: 'Qualify' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('Dee Reader').getByText('Qualified').waitFor();
    expect((await stateOf(dee)).status).toBe('qualified');
    await a11y.capture(a, 'rq-03-admin-after-grant');

    // The auditor reads the same page without any action.
    const auditor = await make.auditor();
    await addMember(admin, study.id, auditor.user.id, ['auditor']);
    const auditorPage = await openPage(browser, baseURL);
    pages.push(auditorPage);
    const u = auditorPage.page;
    await signIn(u, auditor.user.email, auditor.password);
    await u.goto(`/studies/${study.id}/reader-quality`);
    await u.getByRole('table', { name: 'Raters and their qualification' }).waitFor();
    expect(await u.getByRole('button', { name: /Suspend|Qualify|New round/ }).count()).toBe(0);
    await a11y.capture(u, 'rq-04-auditor-reader-quality');

    // Eve, in training, sees her own state on her queue and nothing about anyone else.
    const evePage = await openPage(browser, baseURL);
    pages.push(evePage);
    const e = evePage.page;
    await signIn(e, eve.user.email, eve.password);
    await e.goto('/queue');
    const note = e.getByRole('list', { name: 'My qualification' });
    await note.waitFor();
    expect(await note.innerText()).toContain(`${study.code}: in training`);
    const content = await e.content();
    for (const other of ['Ada Reader', 'Ben Reader', 'Dee Reader']) {
      expect(content).not.toContain(other);
    }
    await a11y.capture(e, 'rq-05-rater-in-training-queue');

    for (const userPage of pages) expect(userPage.errors).toEqual([]);
    expect(a11y.report()).toEqual([]);
  }, 240_000);
});
