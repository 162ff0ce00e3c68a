import { VIEWS } from '../../src/photo-sets/photo-set.entity';
import { Make, studyWithCoordinator, StudySetup } from '../support/factories';
import { fourViews, makeZip, plainJpeg, upload } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

const SCHEDULE = [
  { label: 'baseline', plannedDay: 1, baseline: true },
  { label: 'week 24', plannedDay: 169, baseline: false },
];

describe('uploads and imports follow the visit schedule', () => {
  let t: TestApp;
  let make: Make;
  let setup: StudySetup;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    setup = await studyWithCoordinator(make);
    await setup.admin
      .patch(`/studies/${setup.studyId}`, { settings: { visits: SCHEDULE }, reason: 'charter' })
      .expect(200);
  });
  afterAll(() => t.close());

  async function setCount(): Promise<number> {
    const [row] = await t.db.query(
      `SELECT count(*)::int AS n FROM photo_sets WHERE study_id = $1`,
      [setup.studyId],
    );
    return row.n as number;
  }

  it('an upload of a visit not on the schedule is refused with a 400 naming it', async () => {
    const files = await fourViews();
    const refused = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-1', visit: 'week 25' },
      files,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.message).toEqual([
      'visit "week 25" is not in the study\'s visit schedule (baseline, week 24)',
    ]);
    expect(await setCount()).toBe(0);
    const accepted = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-1', visit: 'week 24' },
      files,
    );
    expect(accepted.status).toBe(202);
    expect(await setCount()).toBe(1);
  });

  it('an upload racing a schedule change that drops its visit is refused, not left off-schedule', async () => {
    const raced = await studyWithCoordinator(make);
    await raced.admin
      .patch(`/studies/${raced.studyId}`, { settings: { visits: SCHEDULE }, reason: 'charter' })
      .expect(200);
    const files = await fourViews();
    // A settings change in flight: it holds the study's row, as PATCH /studies/:id does.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM studies WHERE id = $1 FOR UPDATE`, [raced.studyId]);
      const pending = upload(
        raced.coordinator.client,
        raced.studyId,
        { subjectCode: 'S-9', visit: 'week 24' },
        files,
      ).then((response) => response);
      // The upload passed the early check and now waits for the study's row.
      await waitFor(async () => {
        const [row] = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return row.n > 0;
      }, 20_000);
      await runner.query(
        `UPDATE studies SET settings = jsonb_set(settings, '{visits}', $2)
                           WHERE id = $1`,
        [raced.studyId, JSON.stringify(SCHEDULE.slice(0, 1))],
      );
      await runner.commitTransaction();
      const response = await pending;
      expect(response.status).toBe(400);
      expect(response.body.message).toEqual([
        'visit "week 24" is not in the study\'s visit schedule (baseline)',
      ]);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    const [row] = await t.db.query(
      `SELECT count(*)::int AS n FROM photo_sets WHERE study_id = $1`,
      [raced.studyId],
    );
    expect(row.n).toBe(0);
  });

  it('a study without a schedule accepts any visit', async () => {
    const open = await studyWithCoordinator(make);
    const response = await upload(
      open.coordinator.client,
      open.studyId,
      { subjectCode: 'S-1', visit: 'whatever 7' },
      await fourViews(),
    );
    expect(response.status).toBe(202);
  });

  it('an import with a row whose visit is not on the schedule is rejected, naming row and visit', async () => {
    const jpeg = await plainJpeg(320, 240);
    const rows: string[] = [];
    const entries = [];
    for (const [subject, visit] of [
      ['S-2', 'baseline'],
      ['S-3', 'month 6'],
    ]) {
      for (const view of VIEWS) {
        const file = `images/${subject}-${view}.jpg`;
        rows.push(`${subject},${visit},2026-01-05,${view},${file}`);
        entries.push({ name: file, data: jpeg, compress: false });
      }
    }
    const zip = await makeZip([
      {
        name: 'manifest.csv',
        data: Buffer.from(['subject_code,visit,visit_date,view,file', ...rows].join('\n') + '\n'),
      },
      ...entries,
    ]);
    const posted = await setup.coordinator.client
      .post(`/studies/${setup.studyId}/imports`)
      .attach('archive', zip, 'sets.zip');
    expect(posted.status).toBe(202);
    let body: { status: string; errors: { row: number; reason: string }[] } | undefined;
    await waitFor(async () => {
      body = (await setup.coordinator.client.get(`/imports/${posted.body.id}`)).body;
      return body?.status === 'rejected' || body?.status === 'completed';
    }, 60_000);
    expect(body?.status).toBe('rejected');
    // S-3's first row is manifest row 6 (header is row 1, S-2's four rows are 2–5).
    expect(body?.errors).toEqual([
      {
        row: 6,
        reason:
          'subject S-3: visit "month 6" is not in the study\'s visit schedule (baseline, week 24)',
      },
    ]);
    expect(await setCount()).toBe(1);
  });
});
