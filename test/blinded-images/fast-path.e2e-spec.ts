import { randomBytes } from 'node:crypto';
import { AdjudicationService } from '../../src/adjudication/adjudication.service';
import { ReadsService } from '../../src/reads/reads.service';
import { Make, MadeUser, setIn, TaskRow } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { parseExposition, total } from '../support/metrics-text';

const METRICS_TOKEN = randomBytes(32).toString('hex');
const ROUTE = '/api/v1/reads/:id/images/:view';

/**
 * Images of blinded tasks are served ahead of the controllers (blinded-image-fast-path.ts), from
 * one authorizing query and a cache of rendition bytes. Whatever the cache holds, every request
 * is judged afresh: a task withdrawn, reassigned or voided, a session ended or a role taken away
 * stops the images at once.
 */
describe('blinded images: the fast path and its cache', () => {
  let t: TestApp;
  let make: Make;
  let controllerImage: jest.SpyInstance;

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN } });
    make = new Make(t);
    controllerImage = jest.spyOn(t.app.get(ReadsService, { strict: false }), 'image');
  });
  afterAll(() => t.close());
  beforeEach(() => controllerImage.mockClear());

  async function rated(): Promise<{ task: TaskRow; rater: MadeUser; other: MadeUser }> {
    const { tasks, raterOf } = await setIn(t, make, 'reading');
    return { task: tasks[0], rater: raterOf(tasks[0]), other: raterOf(tasks[1]) };
  }

  const served = async (status: string): Promise<number> => {
    const response = await t
      .http()
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    const samples = parseExposition(response.text);
    return total(samples, 'salt_http_requests_total', { method: 'GET', route: ROUTE, status });
  };

  const url = (taskId: string, view = 'top', size = 'display') =>
    `/reads/${taskId}/images/${view}?size=${size}`;

  it('serves the rater their image without the controller, with the same headers', async () => {
    const { task, rater } = await rated();
    const before = await served('200');
    const first = await rater.client.get(url(task.id)).buffer(true).expect(200);
    const again = await rater.client.get(url(task.id)).buffer(true).expect(200);
    expect(controllerImage).not.toHaveBeenCalled();
    expect(again.body).toEqual(first.body);
    expect(first.headers['content-type']).toBe('image/jpeg');
    expect(first.headers['cache-control']).toBe('private');
    expect(first.headers['content-length']).toBe(String((first.body as Buffer).length));
    expect(first.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers['content-disposition']).toBeUndefined();
    // The global middleware ran: security headers and the request id.
    expect(first.headers['x-request-id']).toBeDefined();
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    // Without size: the display rendition.
    const plain = await rater.client.get(`/reads/${task.id}/images/top`).expect(200);
    expect(plain.headers['etag']).toBe(first.headers['etag']);
    // Counted under the route's template, as the controller's answers are.
    expect((await served('200')) - before).toBe(3);
  });

  it('answers 304 to If-None-Match with the ETag, and 200 to any other tag', async () => {
    const { task, rater, other } = await rated();
    const image = await rater.client.get(url(task.id, 'back')).expect(200);
    const etag = image.headers['etag'];
    const notModified = await rater.client.get(url(task.id, 'back')).set('If-None-Match', etag);
    expect(notModified.status).toBe(304);
    expect(notModified.headers['etag']).toBe(etag);
    const weakInList = await rater.client
      .get(url(task.id, 'back'))
      .set('If-None-Match', `"other", W/${etag}`);
    expect(weakInList.status).toBe(304);
    await rater.client.get(url(task.id, 'back')).set('If-None-Match', '"other"').expect(200);
    expect(controllerImage).not.toHaveBeenCalled();
    // A tag is per task: the same image under the other rater's task has another one, so
    // neither can tell from tags that they are reading the same set.
    const [theirs] = await t.db.query(
      `SELECT id FROM read_tasks WHERE photo_set_id = (SELECT photo_set_id FROM read_tasks
        WHERE id = $1) AND rater_id = $2`,
      [task.id, other.user.id],
    );
    const theirImage = await other.client.get(url(theirs.id, 'back')).expect(200);
    expect(theirImage.body).toEqual(image.body);
    expect(theirImage.headers['etag']).not.toBe(etag);
    await other.client.get(url(theirs.id, 'back')).set('If-None-Match', etag).expect(200);
  });

  it.each(['withdrawn', 'reassigned', 'voided'])(
    'stops a cached image at once when the task is %s',
    async (status) => {
      const { task, rater } = await rated();
      await rater.client.get(url(task.id)).expect(200);
      await t.db.query(`UPDATE read_tasks SET status = $2 WHERE id = $1`, [task.id, status]);
      await rater.client.get(url(task.id)).expect(404);
      const etag = '"anything"';
      await rater.client.get(url(task.id)).set('If-None-Match', etag).expect(404);
    },
  );

  it('refuses a cached image to anyone but the task holder, and to an ended session', async () => {
    const { task, rater, other } = await rated();
    await rater.client.get(url(task.id)).expect(200);
    // The other rater of the same set (same image bytes, cached) may not use this task.
    await other.client.get(url(task.id)).expect(404);
    const coordinator = await make.coordinator();
    await coordinator.client.get(url(task.id)).expect(404);
    // Still a rater on paper but no longer with the role: 404, as the guard answers.
    await t.db.query(`UPDATE users SET roles = '{auditor}' WHERE id = $1`, [rater.user.id]);
    await rater.client.get(url(task.id)).expect(404);
    await t.db.query(`UPDATE users SET roles = '{rater}' WHERE id = $1`, [rater.user.id]);
    await rater.client.get(url(task.id)).expect(200);
    await t.db.query(`UPDATE users SET active = false WHERE id = $1`, [rater.user.id]);
    await rater.client.get(url(task.id)).expect(401);
    await t.db.query(`UPDATE users SET active = true WHERE id = $1`, [rater.user.id]);
    await rater.client.get(url(task.id)).expect(200);
    await t.db.query(`UPDATE sessions SET expires_at = now() WHERE user_id = $1`, [rater.user.id]);
    await rater.client.get(url(task.id)).expect(401);
    await t.db.query(
      `UPDATE sessions SET expires_at = now() + interval '1 hour' WHERE user_id = $1`,
      [rater.user.id],
    );
    await rater.client.get(url(task.id)).expect(200);
    await t.db.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1`, [rater.user.id]);
    await rater.client.get(url(task.id)).expect(401);
  });

  it('leaves bearer tokens, HEAD and bad input to the controller', async () => {
    const { task, rater } = await rated();
    const counted = await served('200');
    const created = await rater.client.post('/auth/tokens', { name: 'images' }).expect(201);
    const token = created.body.token as string;
    const viaToken = await t
      .http()
      .get(`/api/v1${url(task.id)}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(controllerImage).toHaveBeenCalledTimes(1);
    // The controller's answer has the same metrics label as the fast path's.
    expect((await served('200')) - counted).toBe(1);
    const viaCookie = await rater.client.get(url(task.id)).expect(200);
    expect(viaToken.headers['etag']).toBe(viaCookie.headers['etag']);
    expect(controllerImage).toHaveBeenCalledTimes(1);
    const cookie = rater.client.credential.cookie!;
    await t
      .http()
      .head(`/api/v1${url(task.id)}`)
      .set('Cookie', cookie)
      .expect(200);
    expect(controllerImage).toHaveBeenCalledTimes(2);
    const before = await served('200');
    await rater.client.get(url(task.id, 'top', 'huge')).expect(400);
    await rater.client.get(url(task.id, 'front')).expect(404);
    await rater.client.get(url('not-a-uuid')).expect(404);
    // Only paths under the API prefix: the same tail anywhere else is not an image route.
    await t
      .http()
      .get(`/queues/reads/${task.id}/images/top`)
      .set('Cookie', cookie)
      .expect((response) => expect(response.headers['content-type']).not.toBe('image/jpeg'));
    expect(await served('200')).toBe(before);
  });

  it('serves the adjudicator the same way, and never a rater', async () => {
    const adjudicationImage = jest.spyOn(
      t.app.get(AdjudicationService, { strict: false }),
      'image',
    );
    const { photoSetId, team, tasks, raterOf } = await setIn(t, make, 'adjudicating');
    const [adjudication] = await t.db.query(
      `SELECT id FROM adjudication_tasks WHERE photo_set_id = $1`,
      [photoSetId],
    );
    const path = `/adjudications/${adjudication.id}/images/left?size=thumb`;
    const adjudicator = team.adjudicators[0];
    await adjudicator.client.get(path).expect(200);
    expect(adjudicationImage).not.toHaveBeenCalled();
    await raterOf(tasks[0]).client.get(path).expect(404);
    await t.db.query(`UPDATE adjudication_tasks SET status = 'withdrawn' WHERE id = $1`, [
      adjudication.id,
    ]);
    await adjudicator.client.get(path).expect(404);
    adjudicationImage.mockRestore();
  });
});
