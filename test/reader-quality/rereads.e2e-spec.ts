import { RereadsService } from '../../src/reader-quality/rereads.service';
import { binomialTolerance, selectedForReread } from '../../src/reader-quality/rereads';
import { ApiClient, createStudy, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  charter,
  raterInStudy,
  seedFinalSets,
  tasksOfRater,
} from '../support/reader-quality-fixtures';

const DAY = 24 * 60 * 60 * 1000;

describe('reader quality: blinded re-reads', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;
  let rereads: RereadsService;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    admin = await make.admin();
    rereads = t.app.get(RereadsService, { strict: false });
  });
  afterAll(() => t.close());

  interface RereadRow {
    photoSetId: string;
    raterId: string;
    kind: string;
    status: string;
    readCode: string;
  }

  async function rereadRows(studyId: string): Promise<RereadRow[]> {
    const found: RereadRow[] = await t.db.query(
      `SELECT x.photo_set_id AS "photoSetId", x.rater_id AS "raterId", t.kind, t.status,
              t.read_code AS "readCode"
         FROM rereads x JOIN read_tasks t ON t.id = x.read_task_id WHERE x.study_id = $1`,
      [studyId],
    );
    return found;
  }

  it('over 200 final sets the share of re-reads is within the binomial tolerance of the setting, each scheduled once and audited', async () => {
    const share = 0.05;
    const study = await createStudy(
      admin,
      charter({ rereadShare: share, washoutDays: 0, washoutReads: 0 }),
    );
    const a = await raterInStudy(make, admin, study.id);
    const b = await raterInStudy(make, admin, study.id);
    const sets = await seedFinalSets(
      t,
      study.id,
      [a.user.id, b.user.id],
      200,
      new Date(Date.now() - DAY),
    );
    const before = await t.db.query(
      `SELECT photo_set_id, salt FROM final_scores f JOIN photo_sets s ON s.id = f.photo_set_id
        WHERE s.study_id = $1 ORDER BY photo_set_id`,
      [study.id],
    );

    await rereads.scheduleDue(study.id);
    await rereads.scheduleDue(study.id);
    const scheduled = await rereadRows(study.id);
    const observed = scheduled.length;
    expect(Math.abs(observed - 200 * share)).toBeLessThanOrEqual(binomialTolerance(200, share));
    // Deterministic: exactly the sets the hash selects, each read again by one of its raters.
    const expected = sets.filter((set) => selectedForReread(set.id, share)).map((set) => set.id);
    expect(scheduled.map((row) => row.photoSetId).sort()).toEqual(expected.sort());
    for (const row of scheduled) {
      expect([a.user.id, b.user.id]).toContain(row.raterId);
      expect(row).toMatchObject({ kind: 'reread', status: 'assigned' });
    }
    const audit = await admin
      .get(`/audit?action=reread.scheduled&studyId=${study.id}&limit=500`)
      .expect(200);
    expect(audit.body.items).toHaveLength(observed);

    // A re-read is scored like any read, and changes nothing of the set's result.
    const [first] = scheduled;
    const rater = first.raterId === a.user.id ? a : b;
    const task = (await tasksOfRater(t, rater.user.id)).find((x) => x.kind === 'reread')!;
    await rater.client
      .post(`/reads/${task.id}/score`, { top: 90, back: 90, left: 90, right: 90 })
      .expect(201);
    const after = await t.db.query(
      `SELECT photo_set_id, salt FROM final_scores f JOIN photo_sets s ON s.id = f.photo_set_id
        WHERE s.study_id = $1 ORDER BY photo_set_id`,
      [study.id],
    );
    expect(after).toEqual(before);
    const [{ status }] = await t.db.query(`SELECT status FROM photo_sets WHERE id = $1`, [
      first.photoSetId,
    ]);
    expect(status).toBe('final');
  });

  it('the washout holds: no re-read before the minimum days, nor before the minimum other reads', async () => {
    const study = await createStudy(
      admin,
      charter({ rereadShare: 1, washoutDays: 14, washoutReads: 5 }),
    );
    const a = await raterInStudy(make, admin, study.id);
    const b = await raterInStudy(make, admin, study.id);
    const start = new Date(Date.now() - 60 * 60 * 1000);
    const sets = await seedFinalSets(t, study.id, [a.user.id, b.user.id], 12, start);

    // A day later: every set has had enough reads after it but 7, none enough days.
    expect(await rereads.scheduleDue(study.id, new Date(start.getTime() + DAY))).toBe(0);
    expect(await rereadRows(study.id)).toEqual([]);

    // 15 days later: the days hold for all; the reads rule holds for sets 0–6 only (set i has
    // 11 − i reads by the same rater after it).
    await rereads.scheduleDue(study.id, new Date(start.getTime() + 15 * DAY));
    const scheduled = (await rereadRows(study.id)).map((row) => row.photoSetId).sort();
    expect(scheduled).toEqual(
      sets
        .slice(0, 7)
        .map((set) => set.id)
        .sort(),
    );
  });
});
