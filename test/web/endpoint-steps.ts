import { Locator, Page } from 'playwright-core';
import { Make, readingSet, scores, studyWithTeam, waitForStatus } from '../support/factories';
import { TestApp } from '../support/test-app';
import { A11yAudit } from './a11y';
import { SUBJECT, VISIT, ZIP_VISIT } from './flow-fixtures';

/**
 * On the settings tab: the admin gives the study its visit schedule, ZIP_VISIT (the baseline)
 * then VISIT. A planned day out of order is caught in the form before anything is sent; the
 * caller saves, with the reason a charter change needs.
 */
export async function adminFillsVisitSchedule(admin: Page): Promise<void> {
  const schedule = admin.getByRole('group', { name: 'Visit schedule' });
  await schedule.getByText('No schedule yet').waitFor();
  await schedule.getByRole('button', { name: 'Add visit' }).click();
  await schedule.getByRole('button', { name: 'Add visit' }).click();
  await schedule.getByLabel('Visit 1 Label', { exact: true }).fill(ZIP_VISIT);
  await schedule.getByLabel('Visit 1 Planned study day', { exact: true }).fill('85');
  await schedule.getByLabel('Visit 2 Label', { exact: true }).fill(VISIT);
  await schedule.getByLabel('Visit 2 Planned study day', { exact: true }).fill('1');
  // The first visit added is the baseline until another is chosen.
  expect(await schedule.getByLabel('Baseline is visit 1').isChecked()).toBe(true);
}

/** After a first save attempt: the order problem is shown; fix it. */
export async function adminFixesVisitSchedule(admin: Page): Promise<void> {
  const schedule = admin.getByRole('group', { name: 'Visit schedule' });
  await schedule.getByText('Planned days must increase down the schedule').waitFor();
  await schedule.getByLabel('Visit 1 Planned study day', { exact: true }).fill('1');
  await schedule.getByLabel('Visit 2 Planned study day', { exact: true }).fill('85');
}

/** One cell of the row for `visit` in the table headed `heading`. */
function cell(page: Page, heading: string, visit: string, selector: string): Locator {
  return page
    .getByRole('table', { name: heading, exact: true })
    .locator(`tr[data-visit="${visit}"]`)
    .locator(selector);
}

/** A cell's text on one line (the quartiles wrap under the median). */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * The endpoints tab of the browser flow's study: one final set at each visit, different
 * subjects, so SUBJECT has no baseline to change from (and is named for it).
 */
export async function coordinatorSeesEndpoints(coordinator: Page, a11y: A11yAudit): Promise<void> {
  await coordinator.getByRole('link', { name: 'Endpoints' }).click();
  const table = 'Final SALT per visit';
  await coordinator.getByRole('table', { name: table, exact: true }).waitFor();
  for (const visit of [ZIP_VISIT, VISIT]) {
    const median = await textOf(cell(coordinator, table, visit, '[data-measure="median"]'));
    // n = 1: the quartiles are the value itself.
    const [, value, q1, q3] = /^(\d+\.\d) \((\d+\.\d) to (\d+\.\d)\)$/.exec(median) ?? [];
    expect([q1, q3]).toEqual([value, value]);
    expect(['10.8', '33.4', '42.2']).toContain(value);
    expect(
      await cell(coordinator, table, visit, '[data-measure="final-of-sets"]').innerText(),
    ).toBe('1 / 1');
    expect(
      await cell(
        coordinator,
        'Responder rates',
        visit,
        '[data-criterion="salt-le-20"]',
      ).innerText(),
    ).toMatch(/^[01]\/1, (0|100)% \(\d+%–\d+%\)$/);
  }
  await coordinator
    .getByRole('region', { name: 'Not counted', exact: true })
    .getByText(new RegExp(`${VISIT}: 1 — ${SUBJECT}`))
    .waitFor();
  const boxPlot = coordinator.getByRole('region', { name: 'SALT per visit', exact: true });
  expect(await boxPlot.locator('.box-plot-boxes rect.box').count()).toBe(2);
  expect(await boxPlot.locator('.recharts-scatter-symbol').count()).toBe(2);
  await a11y.capture(coordinator, '19-coordinator-endpoints');
}

/** Final SALT of the seed pilot's five subjects, at baseline and at 6 months. */
const SEED: [subjectCode: string, baseline: number, month6: number][] = [
  ['IL2-01', 63, 28],
  ['IL2-02', 75, 69],
  ['IL2-03', 82, 50],
  ['IL2-04', 95, 90],
  ['IL2-05', 100, 100],
];

/**
 * A study on the schedule baseline (day 1) → month 6 (day 183) whose ten sets are final: both
 * raters give the same four region values, so each pair is concordant and its mean is that SALT.
 */
export async function seedPilotStudy(t: TestApp): Promise<{ studyId: string }> {
  const team = await studyWithTeam(new Make(t), {
    raters: 2,
    adjudicators: 0,
    settings: {
      visits: [
        { label: 'baseline', plannedDay: 1, baseline: true },
        { label: 'month 6', plannedDay: 183, baseline: false },
      ],
    },
  });
  const setIds: string[] = [];
  for (const [subjectCode, ...salts] of SEED) {
    for (const [visit, salt] of [
      ['baseline', salts[0]],
      ['month 6', salts[1]],
    ] as const) {
      const { set, tasks } = await readingSet(t, team.study.id, subjectCode, visit);
      for (const task of tasks) {
        const rater = team.raters.find((r) => r.user.id === task.raterId)!;
        const response = await rater.client.post(`/reads/${task.id}/score`, scores(salt));
        if (response.status !== 201) throw new Error(`scoring failed: ${response.status}`);
      }
      setIds.push(set.id);
    }
  }
  await waitForStatus(t, setIds, (status) => status === 'final');
  return { studyId: team.study.id };
}

/**
 * The seed pilot's table (Castela et al. 2014: median SALT 82, range 63–100, at baseline; 69,
 * range 28–100, at 6 months), as the browser shows it from five subjects' final reads.
 */
export async function seedTableInTheBrowser(
  page: Page,
  studyId: string,
  a11y: A11yAudit,
): Promise<void> {
  await page.goto(`/studies/${studyId}/endpoints`);
  const table = 'Final SALT per visit';
  await page.getByRole('table', { name: table, exact: true }).waitFor();
  const text = (visit: string, selector: string) => textOf(cell(page, table, visit, selector));
  expect(await text('baseline', '[data-measure="median"]')).toBe('82.0 (75.0 to 95.0)');
  expect(await text('baseline', '[data-measure="range"]')).toBe('63.0–100.0');
  expect(await text('month 6', '[data-measure="median"]')).toBe('69.0 (50.0 to 90.0)');
  expect(await text('month 6', '[data-measure="range"]')).toBe('28.0–100.0');
  // Changes −35, −6, −32, −5, 0: median −6 (−32 to −5), in real minus signs.
  expect(await text('month 6', '[data-measure="change-median"]')).toBe(
    '\u22126.0 (\u221232.0 to \u22125.0)',
  );
  const rate = (criterion: string) =>
    cell(page, 'Responder rates', 'month 6', `[data-criterion="${criterion}"]`).innerText();
  // One of five halved their SALT (63 → 28): 20%, Wilson 95% CI 3.6%–62.4%.
  expect(await rate('salt50')).toBe('1/5, 20% (4%–62%)');
  expect(await rate('salt-le-20')).toBe('0/5, 0% (0%–43%)');
  expect(
    await cell(page, 'Responder rates', 'baseline', '[data-criterion="salt50"]').innerText(),
  ).toBe('—');
  await page.getByText('Every photo set in the study is final.').waitFor();
  const figure = (name: string) => page.getByRole('region', { name, exact: true });
  await figure('SALT per visit').locator('.recharts-scatter-symbol').nth(9).waitFor();
  expect(await figure('SALT per visit').locator('.box-plot-boxes rect.box').count()).toBe(2);
  expect(await figure('Subjects over visits').locator('.recharts-line-curve').count()).toBe(5);
  // A CI for the two absolute rates at baseline and all five at month 6, a rate of 0 included.
  expect(await figure('Responder rates per visit').locator('.rate-whiskers > g').count()).toBe(7);
  // The plots say in words what they draw.
  expect(await figure('SALT per visit').locator('.chart').getAttribute('aria-label')).toContain(
    'month 6: n 5, median 69.0, quartiles 50.0 to 90.0, range 28.0 to 100.0.',
  );
  await figure('Subjects over visits').getByText('The plotted values as a table').click();
  await figure('Subjects over visits').getByRole('cell', { name: '28.0', exact: true }).waitFor();
  await a11y.capture(page, '20-admin-endpoints-seed');
  // Each download link answers a CSV, in the browser's own session.
  const download = async (name: string) => {
    const href = await page.getByRole('link', { name }).getAttribute('href');
    const response = await page.request.get(href ?? '');
    expect([response.status(), response.headers()['content-type']]).toEqual([
      200,
      'text/csv; charset=utf-8',
    ]);
    return (await response.text()).trim().split(/\r?\n/);
  };
  expect((await download('Endpoints table (CSV)')).length).toBeGreaterThan(1);
  // ADSALT: a header and one row per subject × visit.
  const adsalt = await download('ADSALT: subject × visit dataset (CSV)');
  expect(adsalt[0]).toContain('USUBJID');
  expect(adsalt).toHaveLength(1 + SEED.length * 2);
  // ADREAD: a header and both reads of each of the ten sets.
  expect(await download('ADREAD: read-level dataset (CSV)')).toHaveLength(1 + SEED.length * 4);
}
