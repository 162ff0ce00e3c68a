import { Browser } from 'playwright-core';
import {
  assign,
  insertReadySet,
  Make,
  scores,
  studyWithTeam,
  waitForStatus,
} from '../support/factories';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestApp } from '../support/test-app';
import { A11yAudit } from './a11y';
import { BrowserApp, openPage, signIn, startBrowserApp, UserPage } from './browser';

/*
 * The agreement view with a fixed rater pair that shares six sets: the per-pair Bland–Altman
 * table, each rater's mean difference from their partners and the per-pair plot, checked by axe.
 * (The full flow reaches the view with two sets only, where these are still withheld.)
 */
describe('the agreement view in a real browser', () => {
  let t: TestApp;
  let app: BrowserApp | undefined;
  let browser: Browser;
  let baseURL: string;
  let userPage: UserPage | undefined;
  const a11y = new A11yAudit();

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, baseURL, browser } = app);
  }, 120_000);

  afterAll(async () => {
    await userPage?.context.close().catch(() => undefined);
    await app?.close();
  });

  it('shows Bland–Altman per rater pair, named and oriented, with no axe findings', async () => {
    const make = new Make(t);
    const { study, raters } = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
    const sets = [];
    for (let visit = 1; visit <= 6; visit++) {
      sets.push(await insertReadySet(t, study.id, 'AG-WEB', `V${visit}`));
    }
    const ids = sets.map((set) => set.id);
    await assign(t, ids);
    await waitForStatus(t, ids, (status) => status === 'reading');
    // The second rater reads 2 points more on five sets and 4 more on the sixth: all concordant,
    // a bias of 14/6 = 2.33 for second − first.
    for (const [index, rater] of raters.entries()) {
      const { body } = await rater.client.get('/reads').expect(200);
      for (const item of body.items as { id: string }[]) {
        const [{ visit: label }]: { visit: string }[] = await t.db.query(
          `SELECT ps.visit FROM read_tasks rt
             JOIN photo_sets ps ON ps.id = rt.photo_set_id WHERE rt.id = $1`,
          [item.id],
        );
        const visit = Number(label.slice(1));
        const salt = 30 + 10 * visit + (index === 0 ? 0 : visit === 6 ? 4 : 2);
        await rater.client.post(`/reads/${item.id}/score`, scores(salt)).expect(201);
      }
    }
    await waitForStatus(t, ids, (status) => status === 'final');

    userPage = await openPage(browser, baseURL);
    const { page } = userPage;
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`/studies/${study.id}/agreement`);
    const [first, second] = [...raters].sort((x, y) => (x.user.id < y.user.id ? -1 : 1));
    const difference = `${first.user.name} − ${second.user.name}`;
    const bias = first === raters[1] ? '2.3' : '-2.3';
    const row = page.getByRole('row', { name: new RegExp(`^${difference}`) });
    await row.waitFor();
    expect(await row.getByRole('cell').first().innerText()).toBe('6');
    expect(await row.getByRole('cell').nth(1).innerText()).toMatch(new RegExp(`^${bias} \\[`));
    // Each rater's mean difference from their partners, in the monitoring table.
    const monitoring = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Disagreement index' }) });
    const secondRow = monitoring.getByRole('row', { name: new RegExp(`^${raters[1].user.name}`) });
    expect(await secondRow.getByRole('cell').last().innerText()).toMatch(/^2\.3 \[/);
    await a11y.capture(page, '30-admin-agreement-per-pair');
    // The plot can show that pair, oriented as its statistics are.
    await page.getByLabel('Differences').selectOption({ label: difference });
    await page
      .getByRole('img', { name: `${difference}, against the mean of the two reads` })
      .waitFor();
    await a11y.capture(page, '31-admin-agreement-pair-plot');
    expect(userPage.errors).toEqual([]);
    expect(a11y.report()).toEqual([]);
  }, 180_000);
});
