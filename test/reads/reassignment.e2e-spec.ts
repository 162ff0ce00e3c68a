import {
  Make,
  addMember,
  assign,
  insertReadySet,
  scores,
  studyWithTeam,
  readingSet,
  tasksOf,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/processes';

describe('reassignment and corrections', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('moves a deactivated rater’s unsubmitted tasks to another rater; submitted reads stay', async () => {
    const team = await studyWithTeam(make, {
      raters: 3,
      adjudicators: 0,
      settings: { pairing: 'per-set' },
    });
    const sets: string[] = [];
    for (let i = 0; i < 3; i++)
      sets.push((await insertReadySet(t, team.study.id, `RA-${i}`, 'v1')).id);
    await assign(t, sets);
    await waitForStatus(t, sets, (s) => s === 'reading');
    const before = await tasksOf(t, sets);
    // The rater with the most tasks leaves after scoring one of them.
    const leaving = team.raters
      .map((rater) => ({ rater, tasks: before.filter((task) => task.raterId === rater.user.id) }))
      .sort((a, b) => b.tasks.length - a.tasks.length)[0];
    expect(leaving.tasks.length).toBeGreaterThanOrEqual(2);
    const [scored, ...open] = leaving.tasks;
    await leaving.rater.client.post(`/reads/${scored.id}/score`, scores(33)).expect(201);

    await team.admin.patch(`/users/${leaving.rater.user.id}`, { active: false }).expect(200);
    await waitFor(async () => {
      const now = await tasksOf(t, sets);
      return open.every((task) => now.find((row) => row.id === task.id)?.status === 'reassigned');
    }, 20_000);
    const after = await tasksOf(t, sets);
    expect(after.find((task) => task.id === scored.id)?.status).toBe('submitted');
    for (const task of open) {
      const replacement = after.find(
        (row) =>
          row.photoSetId === task.photoSetId && row.slot === task.slot && row.status === 'assigned',
      );
      expect(replacement).toBeDefined();
      expect(replacement!.raterId).not.toBe(leaving.rater.user.id);
      expect(replacement!.readCode).not.toBe(task.readCode);
      const current = after.filter(
        (row) => row.photoSetId === task.photoSetId && row.status !== 'reassigned',
      );
      expect(new Set(current.map((row) => row.raterId)).size).toBe(2);
    }
    const events = await t.db.query(
      `SELECT after->>'photoSetId' AS "photoSetId" FROM audit_events WHERE action = 'read.reassigned'`,
    );
    expect(events).toHaveLength(open.length);
  });

  it('moves the tasks of a rater who leaves the study, and of one whose rater role is removed', async () => {
    const team = await studyWithTeam(make, {
      raters: 3,
      adjudicators: 0,
      settings: { pairing: 'per-set' },
    });
    // One more rater who is also an adjudicator globally: their study role changes below.
    const demoted = await make.user(['rater', 'adjudicator']);
    await addMember(team.admin, team.study.id, demoted.user.id, ['rater']);
    const sets: string[] = [];
    for (let i = 0; i < 4; i++) {
      sets.push((await insertReadySet(t, team.study.id, `RL-${i}`, 'v1')).id);
    }
    await assign(t, sets);
    await waitForStatus(t, sets, (s) => s === 'reading');
    const [gone] = team.raters;
    await team.admin.delete(`/studies/${team.study.id}/members/${gone.user.id}`).expect(204);
    await addMember(team.admin, team.study.id, demoted.user.id, ['adjudicator']);
    await waitFor(async () => {
      const tasks = await tasksOf(t, sets);
      return tasks.every(
        (task) =>
          task.status === 'reassigned' ||
          (task.raterId !== gone.user.id && task.raterId !== demoted.user.id),
      );
    }, 20_000);
    const current = (await tasksOf(t, sets)).filter((task) => task.status !== 'reassigned');
    expect(current).toHaveLength(8);
    for (const set of sets) {
      const pair = current.filter((task) => task.photoSetId === set);
      expect(new Set(pair.map((task) => task.raterId)).size).toBe(2);
    }
    // Their old tasks are 404 to them now.
    const old = (await tasksOf(t, sets)).find((task) => task.raterId === gone.user.id);
    if (old) await gone.client.get(`/reads/${old.id}`).expect(404);
  });

  it('reopening a read: the rater submits version 2, the set is evaluated again, v1 stays', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
    const { set, tasks } = await readingSet(t, team.study.id, 'RO-1', 'baseline');
    const raterOf = (raterId: string) => team.raters.find((r) => r.user.id === raterId)!;
    for (const task of tasks) {
      await raterOf(task.raterId).client.post(`/reads/${task.id}/score`, scores(40)).expect(201);
    }
    await waitForStatus(t, [set.id], (s) => s === 'final');

    const target = tasks[0];
    const rater = raterOf(target.raterId);
    await rater.client.post(`/reads/${target.id}/reopen`, { reason: 'typo in top' }).expect(403);
    await team.admin.post(`/reads/${target.id}/reopen`, { reason: 'x' }).expect(400);
    const reopened = await team.admin
      .post(`/reads/${target.id}/reopen`, { reason: 'The rater reported a typo in the top view.' })
      .expect(201);
    expect(reopened.body).toEqual({ id: target.id, status: 'assigned', version: 2 });
    await team.admin
      .post(`/reads/${target.id}/reopen`, { reason: 'The rater reported a typo again.' })
      .expect(409);
    await waitForStatus(t, [set.id], (s) => s === 'reading');
    const view = await rater.client.get(`/reads/${target.id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'assigned', submitted: null });
    await rater.client.post(`/reads/${target.id}/score`, scores(44.4)).expect(201);
    await waitForStatus(t, [set.id], (s) => s === 'final');

    const reads: { version: number; salt: string; reason: string | null }[] = await t.db.query(
      `SELECT version, salt, correction_reason AS reason FROM reads
        WHERE read_task_id = $1 ORDER BY version`,
      [target.id],
    );
    expect(reads).toEqual([
      { version: 1, salt: '40.0', reason: null },
      { version: 2, salt: '44.4', reason: 'The rater reported a typo in the top view.' },
    ]);
    const finals: { version: number; salt: string }[] = await t.db.query(
      `SELECT version, salt FROM final_scores WHERE photo_set_id = $1 ORDER BY version`,
      [set.id],
    );
    expect(finals).toEqual([
      { version: 1, salt: '40.0' },
      { version: 2, salt: '42.2' },
    ]);
    // Scores are immutable in the database itself.
    await expect(
      t.db.query(`UPDATE reads SET salt = 1 WHERE read_task_id = $1`, [target.id]),
    ).rejects.toThrow(/immutable/);
    const audit: { action: string }[] = await t.db.query(
      `SELECT action FROM audit_events WHERE after->>'photoSetId' = $1 ORDER BY seq`,
      [set.id],
    );
    expect(audit.map((row) => row.action)).toEqual([
      'read.assigned',
      'read.assigned',
      'read.submitted',
      'read.submitted',
      'pair.evaluated',
      'result.finalized',
      'read.reopened',
      'read.submitted',
      'pair.evaluated',
      'result.finalized',
    ]);
  });
});
