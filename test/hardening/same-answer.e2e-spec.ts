import type { Response } from 'supertest';
import { ApiClient, Make, scores, setIn } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The rule: a signed-in user lacking every role a route is open to gets 404, exactly as for a
 * thing that does not exist, unless the route is for admins alone (accounts, study settings and
 * membership, corrections), which answers 403 whatever the id.
 */
describe('same answer for other people’s things', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  function expectNotFound(response: Response, what: string): void {
    if (response.status !== 404) {
      throw new Error(
        `${what}: expected 404, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(JSON.stringify(response.body)).not.toMatch(/role|forbidden|allow/i);
  }

  it('answers 404 when a rater reaches for adjudication or staff routes, and vice versa', async () => {
    const { team, photoSetId, tasks, raterOf } = await setIn(t, make, 'adjudicating');
    const [adjudication] = await t.db.query(
      `SELECT id FROM adjudication_tasks WHERE photo_set_id = $1`,
      [photoSetId],
    );
    const rater = raterOf(tasks[0]).client;
    const adjudicator = team.adjudicators[0].client;
    const studyId = team.study.id;
    const unauthorizedCalls: [ApiClient, string, () => Promise<Response>][] = [
      [rater, 'GET /adjudications', () => rater.get('/adjudications')],
      [rater, 'POST /adjudications/next', () => rater.post('/adjudications/next')],
      [rater, 'GET /adjudications/:id', () => rater.get(`/adjudications/${adjudication.id}`)],
      [
        rater,
        'GET /adjudications/:id/images/top',
        () => rater.get(`/adjudications/${adjudication.id}/images/top`),
      ],
      [
        rater,
        'POST /adjudications/:id/decision',
        () =>
          rater.post(`/adjudications/${adjudication.id}/decision`, {
            choice: 'A',
            rationale: 'I read this one myself.',
          }),
      ],
      [rater, 'GET /photo-sets/:id', () => rater.get(`/photo-sets/${photoSetId}`)],
      [rater, 'GET results', () => rater.get(`/studies/${studyId}/results`)],
      [rater, 'GET agreement', () => rater.get(`/studies/${studyId}/agreement`)],
      [rater, 'GET /audit', () => rater.get('/audit')],
      [adjudicator, 'GET /reads', () => adjudicator.get('/reads')],
      [adjudicator, 'POST /reads/next', () => adjudicator.post('/reads/next')],
      [adjudicator, 'GET /reads/:id', () => adjudicator.get(`/reads/${tasks[0].id}`)],
      [
        adjudicator,
        'GET /reads/:id/images/top',
        () => adjudicator.get(`/reads/${tasks[0].id}/images/top`),
      ],
      [
        adjudicator,
        'POST /reads/:id/score',
        () => adjudicator.post(`/reads/${tasks[1].id}/score`, scores(50)),
      ],
      [adjudicator, 'GET photo sets', () => adjudicator.get(`/studies/${studyId}/photo-sets`)],
      [adjudicator, 'GET results', () => adjudicator.get(`/studies/${studyId}/results`)],
      [adjudicator, 'GET /audit/verify', () => adjudicator.get('/audit/verify')],
    ];
    for (const [, what, call] of unauthorizedCalls) expectNotFound(await call(), what);

    // A rater asking for another rater's task gets the same 404 as for a task that never was.
    const otherRater = raterOf(tasks[1]).client;
    expectNotFound(await otherRater.get(`/reads/${tasks[0].id}`), 'another rater’s task');
    // Nothing was decided or scored by the refused calls.
    const [state] = await t.db.query(`SELECT status FROM photo_sets WHERE id = $1`, [photoSetId]);
    expect(state.status).toBe('adjudicating');
  });

  it('answers coordinators 404 on blinded queues, and keeps 403 for admin-only routes', async () => {
    const coordinator = await make.coordinator();
    expectNotFound(await coordinator.client.get('/reads'), 'coordinator GET /reads');
    expectNotFound(
      await coordinator.client.get('/adjudications'),
      'coordinator GET /adjudications',
    );
    const rater = await make.rater();
    for (const response of [
      await rater.client.get('/users'),
      await rater.client.post('/studies', { code: 'NOPE', title: 'Not mine' }),
      await rater.client.get(`/studies/${crypto.randomUUID()}/members`),
    ]) {
      expect(response.status).toBe(403);
    }
  });
});
