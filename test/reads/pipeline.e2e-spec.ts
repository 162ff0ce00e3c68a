import {
  MadeUser,
  Make,
  assign,
  insertReadySet,
  InsertedSet,
  scores,
  studyWithTeam,
  TaskRow,
  tasksOf,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

type Plan = { a: number; b: number; expect: 'concordant' | 'max-difference' | 'threshold' };

/** Scores each rater's tasks by the plan for the task's set and slot, through the rater API. */
async function scoreAll(
  raters: MadeUser[],
  tasks: TaskRow[],
  planOf: (photoSetId: string) => Plan,
): Promise<void> {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  await Promise.all(
    raters.map(async (rater) => {
      for (;;) {
        const next = await rater.client.post('/reads/next');
        if (next.status === 204) return;
        expect(next.status).toBe(200);
        const task = byId.get(next.body.id as string);
        if (!task) throw new Error('a task the test did not expect');
        const plan = planOf(task.photoSetId);
        await rater.client
          .post(`/reads/${task.id}/score`, scores(task.slot === 1 ? plan.a : plan.b))
          .expect(201);
      }
    }),
  );
}

describe('the 2+1 pipeline', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('20 sets, 4 raters, 1 adjudicator: pairs, per-subject pairing, means and discordance', async () => {
    const team = await studyWithTeam(make, { raters: 4, adjudicators: 1 });
    const sets: InsertedSet[] = [];
    for (let subject = 1; subject <= 5; subject++) {
      for (const [index, visit] of ['baseline', 'week-12', 'week-24', 'week-36'].entries()) {
        sets.push(
          await insertReadySet(t, team.study.id, `SUBJ-${subject}`, visit, `2026-0${index + 1}-10`),
        );
      }
    }
    const ids = sets.map((set) => set.id);
    await assign(t, ids);
    await waitForStatus(t, ids, (status) => status === 'reading');

    const tasks = await tasksOf(t, ids);
    expect(tasks).toHaveLength(40);
    for (const set of sets) {
      const own = tasks.filter((task) => task.photoSetId === set.id);
      expect(own.map((task) => task.slot).sort()).toEqual([1, 2]);
      expect(new Set(own.map((task) => task.raterId)).size).toBe(2);
      expect(own[0].readCode).not.toBe(own[1].readCode);
    }
    // per-subject: every visit of a subject has the pair of its first visit.
    for (let subject = 1; subject <= 5; subject++) {
      const pairs = sets
        .filter((set) => set.subjectCode === `SUBJ-${subject}`)
        .map((set) =>
          tasks
            .filter((task) => task.photoSetId === set.id)
            .map((task) => task.raterId)
            .sort()
            .join('+'),
        );
      expect(new Set(pairs).size).toBe(1);
    }
    expect(new Set(tasks.map((task) => task.readCode)).size).toBe(40);

    // Every 4th set |A−B| > 10; every 4th (offset 1) 19 vs 22 across the threshold 20.
    const plans = new Map<string, Plan>(
      sets.map((set, index) => {
        const plan: Plan =
          index % 4 === 0
            ? { a: 30, b: 45.5, expect: 'max-difference' }
            : index % 4 === 1
              ? { a: 19, b: 22, expect: 'threshold' }
              : { a: 40 + index / 10, b: 43.3, expect: 'concordant' };
        return [set.id, plan];
      }),
    );
    await scoreAll(team.raters, tasks, (id) => plans.get(id)!);
    const statuses = await waitForStatus(t, ids, (s) => s === 'final' || s === 'adjudicating');

    const finals: { photoSetId: string; salt: string; source: string }[] = await t.db.query(
      `SELECT photo_set_id AS "photoSetId", salt, source FROM final_scores
        WHERE photo_set_id = ANY($1::uuid[])`,
      [ids],
    );
    const adjudications: { photoSetId: string; adjudicatorId: string; rulesFired: string[] }[] =
      await t.db.query(
        `SELECT a.photo_set_id AS "photoSetId", a.adjudicator_id AS "adjudicatorId",
                e.rules_fired AS "rulesFired"
           FROM adjudication_tasks a JOIN pair_evaluations e ON e.id = a.evaluation_id
          WHERE a.photo_set_id = ANY($1::uuid[]) AND a.status = 'open'`,
        [ids],
      );
    for (const set of sets) {
      const plan = plans.get(set.id)!;
      if (plan.expect === 'concordant') {
        expect(statuses[set.id]).toBe('final');
        const mean = Math.floor(((plan.a + plan.b) / 2) * 10 + 0.5 + 1e-9) / 10;
        expect(finals.find((f) => f.photoSetId === set.id)).toEqual({
          photoSetId: set.id,
          salt: mean.toFixed(1),
          source: 'concordant-mean',
        });
      } else {
        expect(statuses[set.id]).toBe('adjudicating');
        const adjudication = adjudications.find((a) => a.photoSetId === set.id);
        expect(adjudication?.adjudicatorId).toBe(team.adjudicators[0].user.id);
        expect(adjudication?.rulesFired).toEqual([plan.expect]);
      }
    }
    // The adjudicator sees exactly the 10 discordant sets, with the rules that fired.
    const queue = await team.adjudicators[0].client.get('/adjudications').expect(200);
    expect(queue.body.counts).toEqual({ open: 10, decidedToday: 0, decided: 0 });
    const first = await team.adjudicators[0].client.get(`/adjudications/${queue.body.items[0].id}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'open',
      rules: { maxDifference: 10, thresholds: [20] },
      allowOwn: true,
      decision: null,
    });
    expect(['max-difference', 'threshold']).toContain(first.body.rulesFired[0]);
  });

  it('adjudicator choices A, B and own give the right final scores', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 2 });
    const sets = [
      await insertReadySet(t, team.study.id, 'ADJ-1', 'baseline'),
      await insertReadySet(t, team.study.id, 'ADJ-2', 'baseline'),
      await insertReadySet(t, team.study.id, 'ADJ-3', 'baseline'),
    ];
    const ids = sets.map((set) => set.id);
    await assign(t, ids);
    await waitForStatus(t, ids, (s) => s === 'reading');
    const tasks = await tasksOf(t, ids);
    await scoreAll(team.raters, tasks, () => ({ a: 10, b: 60, expect: 'max-difference' }));
    await waitForStatus(t, ids, (s) => s === 'adjudicating');

    const tasksByAdjudicator = await Promise.all(
      team.adjudicators.map(async (adjudicator) => ({
        adjudicator,
        items: (await adjudicator.client.get('/adjudications').expect(200)).body.items as {
          id: string;
        }[],
      })),
    );
    // Least-loaded: three tasks over two adjudicators split 2 + 1.
    expect(tasksByAdjudicator.map((entry) => entry.items.length).sort()).toEqual([1, 2]);
    const all = tasksByAdjudicator.flatMap(({ adjudicator, items }) =>
      items.map((item) => ({ adjudicator, id: item.id })),
    );
    const decisions = [
      { choice: 'A', expected: 10 },
      { choice: 'B', expected: 60 },
      { choice: 'own', scores: { top: 50, back: 25, left: 10, right: 80 }, expected: 42.2 },
    ];
    for (const [index, { adjudicator, id }] of all.entries()) {
      const { expected, ...body } = decisions[index];
      const response = await adjudicator.client
        .post(`/adjudications/${id}/decision`, {
          ...body,
          rationale: 'Read matches the images best.',
        })
        .expect(201);
      expect(response.body).toEqual({ finalSalt: expected, decidedAt: expect.any(String) });
      const again = await adjudicator.client.post(`/adjudications/${id}/decision`, {
        choice: 'A',
        rationale: 'Second thoughts here.',
      });
      expect(again.status).toBe(409);
      const view = await adjudicator.client.get(`/adjudications/${id}`).expect(200);
      expect(view.body.status).toBe('decided');
      expect(view.body.decision).toMatchObject({ choice: body.choice, finalSalt: expected });
    }
    await waitForStatus(t, ids, (s) => s === 'final');
    const finals: { salt: string; source: string }[] = await t.db.query(
      `SELECT salt, source FROM final_scores WHERE photo_set_id = ANY($1::uuid[]) ORDER BY salt`,
      [ids],
    );
    expect(finals).toEqual([
      { salt: '10.0', source: 'adjudicated' },
      { salt: '42.2', source: 'adjudicated' },
      { salt: '60.0', source: 'adjudicated' },
    ]);
  });

  it('refuses own reads where the study allows only A or B, and short rationales', async () => {
    const team = await studyWithTeam(make, {
      raters: 2,
      adjudicators: 1,
      settings: { adjudication: 'select' },
    });
    const set = await insertReadySet(t, team.study.id, 'SEL-1', 'baseline');
    await assign(t, [set.id]);
    await waitForStatus(t, [set.id], (s) => s === 'reading');
    await scoreAll(team.raters, await tasksOf(t, [set.id]), () => ({
      a: 19,
      b: 22,
      expect: 'threshold',
    }));
    await waitForStatus(t, [set.id], (s) => s === 'adjudicating');
    const adjudicator = team.adjudicators[0].client;
    const next = await adjudicator.post('/adjudications/next').expect(200);
    expect(next.body.allowOwn).toBe(false);
    expect(next.body.rulesFired).toEqual(['threshold']);
    expect(next.body.difference).toBe(3);
    expect([next.body.readA.salt, next.body.readB.salt].sort()).toEqual([19, 22]);
    const own = await adjudicator.post(`/adjudications/${next.body.id}/decision`, {
      choice: 'own',
      scores: scores(20),
      rationale: 'My own read of these images.',
    });
    expect(own.status).toBe(400);
    expect(JSON.stringify(own.body.message)).toMatch(/own/);
    const short = await adjudicator.post(`/adjudications/${next.body.id}/decision`, {
      choice: 'A',
      rationale: 'too short',
    });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body.message)).toMatch(/rationale/);
    for (const [body, field] of [
      [{ choice: 'C', rationale: 'Neither read is right.' }, /choice/],
      [{ rationale: 'Neither read is right.' }, /choice/],
      [{ choice: 'A' }, /rationale/],
      [{ choice: 'A', rationale: 'Read A is right.', extra: 1 }, /extra/],
      [{ choice: 'own', scores: { ...scores(20), top: 20.25 }, rationale: 'My own read.' }, /top/],
    ] as [object, RegExp][]) {
      const response = await adjudicator.post(`/adjudications/${next.body.id}/decision`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(response.body.message)).toMatch(field);
    }
    const withScores = await adjudicator.post(`/adjudications/${next.body.id}/decision`, {
      choice: 'A',
      scores: scores(20),
      rationale: 'Read A is right about the vertex.',
    });
    expect(withScores.status).toBe(400);
    expect(JSON.stringify(withScores.body.message)).toMatch(/scores/);
    await adjudicator
      .post(`/adjudications/${next.body.id}/decision`, {
        choice: 'B',
        rationale: 'Read B is right about the vertex.',
      })
      .expect(201);
    await waitForStatus(t, [set.id], (s) => s === 'final');
  });

  it('per-set pairing spreads work over the least-loaded raters', async () => {
    const team = await studyWithTeam(make, {
      raters: 4,
      adjudicators: 0,
      settings: { pairing: 'per-set' },
    });
    const sets: InsertedSet[] = [];
    for (let i = 0; i < 8; i++) sets.push(await insertReadySet(t, team.study.id, 'ONE', `v${i}`));
    const ids = sets.map((set) => set.id);
    // One at a time, so each assignment sees the loads the previous one left.
    for (const id of ids) {
      await assign(t, [id]);
      await waitForStatus(t, [id], (s) => s === 'reading');
    }
    const tasks = await tasksOf(t, ids);
    const perRater = team.raters.map(
      (rater) => tasks.filter((task) => task.raterId === rater.user.id).length,
    );
    expect(perRater).toEqual([4, 4, 4, 4]);
  });

  it('waits as awaiting-raters with fewer than two raters and is assigned once one joins', async () => {
    const team = await studyWithTeam(make, { raters: 1, adjudicators: 0 });
    const set = await insertReadySet(t, team.study.id, 'WAIT-1', 'baseline');
    await assign(t, [set.id]);
    await waitForStatus(t, [set.id], (s) => s === 'awaiting-raters');
    expect(await tasksOf(t, [set.id])).toHaveLength(0);
    const late = await make.rater();
    await team.admin.put(`/studies/${team.study.id}/members/${late.user.id}`, { roles: ['rater'] });
    await waitForStatus(t, [set.id], (s) => s === 'reading');
    const raters = (await tasksOf(t, [set.id])).map((task) => task.raterId).sort();
    expect(raters).toEqual([team.raters[0].user.id, late.user.id].sort());
  });
});
