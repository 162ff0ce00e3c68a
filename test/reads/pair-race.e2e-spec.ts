import { Make, readingSet, scores, studyWithTeam, waitForStatus } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** No reconciler during the test: only the submission that completes a pair starts its evaluation. */
const QUIET = { RECONCILE_EVERY_MS: '86400000' };

describe('the two reads of a set submitted at the same moment', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: QUIET });
  });
  afterAll(() => t.close());

  it('always leave exactly one of them to start the evaluation, so every set becomes final', async () => {
    const make = new Make(t);
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
    const sets = await Promise.all(
      Array.from({ length: 12 }, (_, i) => readingSet(t, team.study.id, `PAIR-${i}`, 'v1')),
    );
    const raterOf = (raterId: string) => team.raters.find((r) => r.user.id === raterId)!;
    // Both reads of every set at once; concordant, so each pair ends final without adjudication.
    const answers = await Promise.all(
      sets.flatMap(({ tasks }) =>
        tasks.map((task) =>
          raterOf(task.raterId).client.post(`/reads/${task.id}/score`, scores(40)),
        ),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    const ids = sets.map(({ set }) => set.id);
    const statuses = await waitForStatus(t, ids, (status) => status === 'final');
    expect(Object.values(statuses)).toEqual(ids.map(() => 'final'));
    const [{ evaluations }] = await t.db.query<{ evaluations: number }[]>(
      `SELECT count(*)::int AS evaluations FROM pair_evaluations WHERE photo_set_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(evaluations).toBe(ids.length);
  });
});
