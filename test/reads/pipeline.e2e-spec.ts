import { Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  assign,
  insertReadySet,
  scores,
  studyWithTeam,
  tasksOf,
  waitForStatus,
} from './read-fixtures';

describe('dual reads: assignment, scoring, evaluation', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('assigns a ready set to two distinct raters and finalises a concordant pair', async () => {
    const { study, raters } = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
    const set = await insertReadySet(t, study.id, 'P-001', 'baseline');
    await assign(t, [set.id]);
    await waitForStatus(t, [set.id], (s) => s === 'reading');
    const tasks = await tasksOf(t, [set.id]);
    expect(tasks).toHaveLength(2);
    expect(new Set(tasks.map((task) => task.raterId)).size).toBe(2);
    for (const rater of raters) {
      const next = await rater.client.post('/reads/next').expect(200);
      await rater.client
        .post(`/reads/${next.body.id}/score`, scores(rater === raters[0] ? 40 : 42.5))
        .expect(201);
    }
    await waitForStatus(t, [set.id], (s) => s === 'final');
    const [final] = await t.db.query(
      `SELECT salt, source FROM final_scores WHERE photo_set_id = $1`,
      [set.id],
    );
    expect(final).toEqual({ salt: '41.3', source: 'concordant-mean' });
  });
});
