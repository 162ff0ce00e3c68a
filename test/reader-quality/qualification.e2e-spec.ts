import {
  ApiClient,
  assign,
  createStudy,
  insertReadySet,
  Make,
  MadeUser,
  scores,
  waitForStatus,
} from '../support/factories';
import { AssignmentService } from '../../src/reads/assignment.service';
import { startTestApp, TestApp } from '../support/test-app';
import {
  calibrationSet,
  charter,
  raterInStudy,
  readCalibration,
  tasksOfRater,
} from '../support/reader-quality-fixtures';

const QUALIFICATION = charter({
  qualificationSetCount: 2,
  passMaxMeanAbsError: 5,
  passMinWithinPercent: 80,
});

describe('reader quality: qualification before live reads', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    admin = await make.admin();
  });
  afterAll(() => t.close());

  async function liveTasks(rater: MadeUser) {
    return (await tasksOfRater(t, rater.user.id)).filter((task) => task.kind === 'live');
  }

  it('a new rater gets calibration tasks and no live tasks until passing; a failing one stays unqualified; a grant needs a reason and is audited', async () => {
    const study = await createStudy(admin, QUALIFICATION);
    for (const salt of [20, 45, 70]) await calibrationSet(t, admin, study.id, salt);
    const live = [
      await insertReadySet(t, study.id, 'L-1', 'v1'),
      await insertReadySet(t, study.id, 'L-2', 'v1'),
    ];
    const good = await raterInStudy(make, admin, study.id);
    const poor = await raterInStudy(make, admin, study.id);
    await assign(
      t,
      live.map((set) => set.id),
    );
    await waitForStatus(
      t,
      live.map((set) => set.id),
      (status) => status === 'awaiting-raters',
    );

    // Both got a round of two calibration tasks, and they look like any read task.
    for (const rater of [good, poor]) {
      const queue = await rater.client.get('/reads').expect(200);
      expect(queue.body.items).toHaveLength(2);
      const kinds = (await tasksOfRater(t, rater.user.id)).map((task) => task.kind);
      expect(kinds).toEqual(['calibration', 'calibration']);
      const me = await rater.client.get(`/studies/${study.id}/reader-quality/me`).expect(200);
      expect(me.body).toEqual({ status: 'in-training', suspended: false });
    }

    await readCalibration(t, good, 2);
    await readCalibration(t, poor, 30);
    const goodMe = await good.client.get(`/studies/${study.id}/reader-quality/me`).expect(200);
    expect(goodMe.body.status).toBe('qualified');
    const poorMe = await poor.client.get(`/studies/${study.id}/reader-quality/me`).expect(200);
    expect(poorMe.body.status).toBe('failed');

    // One qualified rater is not a pair: the live sets still wait, and nobody read them live.
    await assign(
      t,
      live.map((set) => set.id),
    );
    await waitForStatus(
      t,
      live.map((set) => set.id),
      (status) => status === 'awaiting-raters',
    );
    expect(await liveTasks(good)).toEqual([]);
    expect(await liveTasks(poor)).toEqual([]);

    // A manual grant needs a reason.
    const grantPath = `/studies/${study.id}/reader-quality/raters/${poor.user.id}/grant`;
    await admin.post(grantPath, {}).expect(400);
    await admin.post(grantPath, { reason: 'short' }).expect(400);
    const reason = 'Reviewed the calibration reads with the lead reader';
    const granted = await admin.post(grantPath, { reason }).expect(200);
    expect(granted.body).toEqual({ status: 'qualified', suspended: false });
    const audit = await admin
      .get(`/audit?action=qualification.granted&studyId=${study.id}`)
      .expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ entityId: poor.user.id, reason });

    // Two qualified raters: the waiting live sets are read now.
    await waitForStatus(
      t,
      live.map((set) => set.id),
      (status) => status === 'reading',
    );
    expect(await liveTasks(good)).toHaveLength(2);
    expect(await liveTasks(poor)).toHaveLength(2);

    const passed = await admin
      .get(`/audit?action=qualification.passed&studyId=${study.id}`)
      .expect(200);
    expect((passed.body.items as { entityId: string }[]).map((e) => e.entityId)).toEqual([
      good.user.id,
    ]);
    const failed = await admin
      .get(`/audit?action=qualification.failed&studyId=${study.id}`)
      .expect(200);
    expect((failed.body.items as { entityId: string }[]).map((e) => e.entityId)).toEqual([
      poor.user.id,
    ]);
  });

  it('a failed rater gets another round only from an admin, on calibration sets they have not read', async () => {
    const study = await createStudy(admin, QUALIFICATION);
    for (const salt of [10, 60, 90]) await calibrationSet(t, admin, study.id, salt);
    const rater = await raterInStudy(make, admin, study.id);
    await readCalibration(t, rater, -25);
    const me = await rater.client.get(`/studies/${study.id}/reader-quality/me`).expect(200);
    expect(me.body.status).toBe('failed');
    // Failing starts nothing by itself.
    expect((await rater.client.get('/reads').expect(200)).body.items).toEqual([]);

    const rounds = `/studies/${study.id}/reader-quality/raters/${rater.user.id}/rounds`;
    const tooFew = await admin.post(rounds).expect(409);
    expect(tooFew.body.message).toMatch(
      /1 calibration set\(s\) this rater has not read; a round needs 2/,
    );
    await rater.client.post(rounds).expect(403);

    await calibrationSet(t, admin, study.id, 35);
    const again = await admin.post(rounds).expect(201);
    expect(again.body).toEqual({ status: 'in-training', suspended: false });
    expect((await rater.client.get('/reads').expect(200)).body.items).toHaveLength(2);
    await admin.post(rounds).expect(409);

    await readCalibration(t, rater, 0);
    const after = await rater.client.get(`/studies/${study.id}/reader-quality/me`).expect(200);
    expect(after.body.status).toBe('qualified');
  });

  it('a set already read live cannot become a calibration set; a calibration set is never read live', async () => {
    const study = await createStudy(admin, charter({ qualificationSetCount: 0 }));
    await raterInStudy(make, admin, study.id);
    await raterInStudy(make, admin, study.id);
    const liveSet = await insertReadySet(t, study.id, 'LV-1', 'v1');
    await assign(t, [liveSet.id]);
    await waitForStatus(t, [liveSet.id], (status) => status === 'reading');
    const refused = await admin
      .put(`/studies/${study.id}/calibration-sets/${liveSet.id}`, scores(40))
      .expect(409);
    expect(refused.body.message).toMatch(/already read live/);

    const calibration = await calibrationSet(t, admin, study.id, 40);
    // Two qualified raters are free, yet the assign job leaves a calibration set alone.
    expect(await t.app.get(AssignmentService, { strict: false }).assign(calibration)).toBe(
      'not-pending',
    );
    const [{ count }] = await t.db.query(
      `SELECT count(*)::int AS count FROM read_tasks WHERE photo_set_id = $1`,
      [calibration],
    );
    expect(count).toBe(0);

    const bad = await admin
      .put(`/studies/${study.id}/calibration-sets/${calibration}`, { ...scores(40), top: 101 })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/top must be a number from 0 to 100/);
    const listed = await admin.get(`/studies/${study.id}/calibration-sets`).expect(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].reference).toEqual({ top: 40, back: 40, left: 40, right: 40, salt: 40 });
  });

  it('training feedback: after a calibration read, and only then, the rater sees that set’s reference', async () => {
    const study = await createStudy(
      admin,
      charter({ qualificationSetCount: 1, trainingFeedback: true }),
    );
    await calibrationSet(t, admin, study.id, 35);
    const rater = await raterInStudy(make, admin, study.id);
    const [task] = await tasksOfRater(t, rater.user.id);
    const before = await rater.client.get(`/reads/${task.id}/reference`).expect(404);
    await readCalibration(t, rater, 4);
    const feedback = await rater.client.get(`/reads/${task.id}/reference`).expect(200);
    expect(feedback.body).toEqual({ top: 35, back: 35, left: 35, right: 35, salt: 35 });
    // Someone else's calibration task answers as if it did not exist.
    const other = await raterInStudy(make, admin, study.id);
    const [otherTask] = await tasksOfRater(t, other.user.id);
    const foreign = await rater.client.get(`/reads/${otherTask.id}/reference`).expect(404);
    expect(foreign.body.message).toBe(before.body.message);
  });
});
