import {
  Make,
  addMember,
  readingSet,
  scores,
  studyWithTeam,
  waitForStatus,
} from '../support/factories';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

async function openAdjudication(t: TestApp, photoSetId: string) {
  const rows: { id: string; adjudicatorId: string; code: string }[] = await t.db.query(
    `SELECT id, adjudicator_id AS "adjudicatorId", code FROM adjudication_tasks
      WHERE photo_set_id = $1 AND status = 'open'`,
    [photoSetId],
  );
  return rows[0];
}

describe('who adjudicates', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('never gives a pair to one of its raters, waits for an adjudicator, and hands over when one leaves', async () => {
    // Two people who are both raters and adjudicators read the set; no one else adjudicates yet.
    const team = await studyWithTeam(make, { raters: 0, adjudicators: 0 });
    const both = [
      await make.user(['rater', 'adjudicator']),
      await make.user(['rater', 'adjudicator']),
    ];
    for (const person of both) {
      await addMember(team.admin, team.study.id, person.user.id, ['rater', 'adjudicator']);
    }
    const { set, tasks } = await readingSet(t, team.study.id, 'ADJ-W', 'baseline');
    for (const task of tasks) {
      const rater = both.find((person) => person.user.id === task.raterId)!;
      await rater.client
        .post(`/reads/${task.id}/score`, scores(task.slot === 1 ? 5 : 50))
        .expect(201);
    }
    // Evaluated (discordant) but nobody may adjudicate: the set waits, nothing is assigned.
    await waitFor(
      async () =>
        (await t.db.query(`SELECT 1 FROM pair_evaluations WHERE photo_set_id = $1`, [set.id]))
          .length === 1,
      20_000,
    );
    expect(await openAdjudication(t, set.id)).toBeUndefined();
    for (const person of both) {
      const queue = await person.client.get('/adjudications').expect(200);
      expect(queue.body.items).toEqual([]);
    }

    // An adjudicator joins: the pair goes to them at once.
    const first = await make.adjudicator();
    await addMember(team.admin, team.study.id, first.user.id, ['adjudicator']);
    await waitForStatus(t, [set.id], (s) => s === 'adjudicating');
    const assigned = await openAdjudication(t, set.id);
    expect(assigned.adjudicatorId).toBe(first.user.id);

    // A second one joins, then the first is deactivated: the task moves, with a new code.
    const second = await make.adjudicator();
    await addMember(team.admin, team.study.id, second.user.id, ['adjudicator']);
    await team.admin.patch(`/users/${first.user.id}`, { active: false }).expect(200);
    await waitFor(
      async () => (await openAdjudication(t, set.id))?.adjudicatorId === second.user.id,
      20_000,
    );
    const moved = await openAdjudication(t, set.id);
    expect(moved.id).toBe(assigned.id);
    expect(moved.code).not.toBe(assigned.code);
    const view = await second.client.get(`/adjudications/${moved.id}`).expect(200);
    expect([view.body.readA.salt, view.body.readB.salt]).toEqual([5, 50]);
    await second.client
      .post(`/adjudications/${moved.id}/decision`, { choice: 'B', rationale: 'B fits the photos.' })
      .expect(201);
    await waitForStatus(t, [set.id], (s) => s === 'final');
  });
});
