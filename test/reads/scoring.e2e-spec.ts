import { MadeUser, Make, readingSet, scores, studyWithTeam } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('scoring a read', () => {
  let t: TestApp;
  let make: Make;
  let raters: MadeUser[];
  let studyId: string;
  let subject = 0;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1 });
    raters = team.raters;
    studyId = team.study.id;
  });
  afterAll(() => t.close());

  /** A fresh set read by the two raters; returns each rater's task id. */
  async function freshPair(): Promise<{ photoSetId: string; taskOf: Map<string, string> }> {
    const { set, tasks } = await readingSet(t, studyId, `SC-${++subject}`, 'baseline');
    return {
      photoSetId: set.id,
      taskOf: new Map(tasks.map((task) => [task.raterId, task.id])),
    };
  }

  it('answers 400 naming the field for every kind of bad score', async () => {
    const { taskOf } = await freshPair();
    const rater = raters[0];
    const id = taskOf.get(rater.user.id)!;
    const valid = { top: 10, back: 20, left: 30, right: 40 };
    const cases: [object, RegExp][] = [
      [{ ...valid, top: 100.1 }, /top/],
      [{ ...valid, back: 101 }, /back/],
      [{ ...valid, left: -0.1 }, /left/],
      [{ ...valid, right: -5 }, /right/],
      [{ ...valid, top: 'NaN' }, /top/],
      [{ ...valid, back: '20' }, /back/],
      [{ ...valid, left: null }, /left/],
      [{ top: 10, back: 20, left: 30 }, /right/],
      [{ ...valid, top: 12.34 }, /top/],
      [{ ...valid, right: 0.05 }, /right/],
      [{ ...valid, salt: 99 }, /salt/],
      [{ ...valid, photoSetId: 'x' }, /photoSetId/],
      [{ ...valid, top: true }, /top/],
      [{ ...valid, back: [20] }, /back/],
      [{ ...valid, left: { value: 1 } }, /left/],
    ];
    for (const [body, field] of cases) {
      const response = await rater.client.post(`/reads/${id}/score`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.statusCode).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(field);
    }
    // NaN cannot be written in JSON: a raw body with it is not JSON at all.
    const raw = await rater.client
      .post(`/reads/${id}/score`)
      .set('Content-Type', 'application/json')
      .send('{"top": NaN, "back": 1, "left": 1, "right": 1}');
    expect(raw.status).toBe(400);
    // Bodies that are not an object at all.
    for (const raw of ['[]', '[1, 2, 3, 4]', '"scores"', '42', 'null']) {
      const response = await rater.client
        .post(`/reads/${id}/score`)
        .set('Content-Type', 'application/json')
        .send(raw);
      expect({ raw, status: response.status }).toEqual({ raw, status: 400 });
    }
    // Nothing was stored by any of them.
    const stored = await t.db.query(`SELECT 1 FROM reads WHERE read_task_id = $1`, [id]);
    expect(stored).toHaveLength(0);
    const ok = await rater.client.post(`/reads/${id}/score`, valid).expect(201);
    // 0.4·10 + 0.24·20 + 0.18·30 + 0.18·40 = 4 + 4.8 + 5.4 + 7.2 = 21.4
    expect(ok.body).toEqual({ salt: 21.4, submittedAt: expect.any(String) });
  });

  it('computes SALT on the server, answers 409 to a second submit and replays an idempotent one', async () => {
    const { taskOf } = await freshPair();
    const rater = raters[1];
    const id = taskOf.get(rater.user.id)!;
    const body = { top: 95, back: 90, left: 100, right: 100 };
    const first = await rater.client
      .post(`/reads/${id}/score`, body)
      .set('Idempotency-Key', 'key-1')
      .expect(201);
    expect(first.body.salt).toBe(95.6);
    const replay = await rater.client
      .post(`/reads/${id}/score`, body)
      .set('Idempotency-Key', 'key-1')
      .expect(201);
    expect(replay.body).toEqual(first.body);
    await rater.client.post(`/reads/${id}/score`, body).expect(409);
    await rater.client.post(`/reads/${id}/score`, body).set('Idempotency-Key', 'key-2').expect(409);
    await rater.client
      .post(`/reads/${id}/score`, { ...body, top: 90 })
      .set('Idempotency-Key', 'key-1')
      .expect(409);
    const task = await rater.client.get(`/reads/${id}`).expect(200);
    expect(task.body.status).toBe('submitted');
    expect(task.body.submitted).toEqual({
      ...body,
      salt: 95.6,
      submittedAt: first.body.submittedAt,
    });
    // Drafts of a scored read are refused.
    await rater.client.put(`/reads/${id}/draft`, { top: 1 }).expect(409);
  });

  it('stores exactly one score from 20 parallel submits', async () => {
    const { taskOf } = await freshPair();
    const rater = raters[0];
    const id = taskOf.get(rater.user.id)!;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rater.client.post(`/reads/${id}/score`, scores(10 + i)).then((r) => r),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const stored: { salt: string }[] = await t.db.query(
      `SELECT salt FROM reads WHERE read_task_id = $1`,
      [id],
    );
    expect(stored).toHaveLength(1);
    const winner = responses.find((response) => response.status === 201)!;
    expect(Number(stored[0].salt)).toBe(winner.body.salt);

    // The same with one Idempotency-Key: all 20 get the one 201 body.
    const other = taskOf.get(raters[1].user.id)!;
    const same = await Promise.all(
      Array.from({ length: 20 }, () =>
        raters[1].client
          .post(`/reads/${other}/score`, scores(12))
          .set('Idempotency-Key', 'retry-me')
          .then((r) => r),
      ),
    );
    expect(same.every((response) => response.status === 201)).toBe(true);
    expect(new Set(same.map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect(await t.db.query(`SELECT 1 FROM reads WHERE read_task_id = $1`, [other])).toHaveLength(
      1,
    );
  });

  it('50 parallel /reads/next calls from two raters never hand one task to both', async () => {
    for (let i = 0; i < 3; i++) await freshPair();
    const calls = Array.from({ length: 50 }, (_, i) => {
      const rater = raters[i % 2];
      return rater.client.post('/reads/next').then((response) => ({ rater, response }));
    });
    const results = await Promise.all(calls);
    const seenBy = new Map<string, Set<string>>();
    for (const { rater, response } of results) {
      expect(response.status).toBe(200);
      const owners = seenBy.get(response.body.id) ?? new Set<string>();
      owners.add(rater.user.id);
      seenBy.set(response.body.id, owners);
    }
    for (const owners of seenBy.values()) expect(owners.size).toBe(1);
    // Deterministic per caller: each rater got one task, the first of their own queue.
    expect(seenBy.size).toBe(2);
    const owned: { id: string; raterId: string }[] = await t.db.query(
      `SELECT id, rater_id AS "raterId" FROM read_tasks WHERE id = ANY($1::uuid[])`,
      [[...seenBy.keys()]],
    );
    for (const row of owned) expect([...seenBy.get(row.id)!]).toEqual([row.raterId]);
  });

  it('keeps drafts per rater and answers 404 for tasks that are not yours', async () => {
    const { taskOf } = await freshPair();
    const [mine, theirs] = [taskOf.get(raters[0].user.id)!, taskOf.get(raters[1].user.id)!];
    await raters[0].client.put(`/reads/${mine}/draft`, { top: 12.5, left: 3 }).expect(204);
    const view = await raters[0].client.get(`/reads/${mine}`).expect(200);
    expect(view.body.draft).toEqual({ top: 12.5, left: 3 });
    await raters[0].client.put(`/reads/${mine}/draft`, { top: 12.55 }).expect(400);
    await raters[0].client.put(`/reads/${mine}/draft`, { extra: 1 }).expect(400);

    const other = await raters[1].client.get(`/reads/${theirs}`).expect(200);
    expect(other.body.draft).toBeNull();
    for (const request of [
      raters[0].client.get(`/reads/${theirs}`),
      raters[0].client.get(`/reads/${theirs}/images/top?size=thumb`),
      raters[0].client.put(`/reads/${theirs}/draft`, { top: 1 }),
      raters[0].client.post(`/reads/${theirs}/score`, scores(1)),
      raters[0].client.get(`/reads/00000000-0000-4000-8000-000000000000`),
      raters[0].client.get(`/reads/not-a-uuid`),
      raters[0].client.get(`/reads/${mine}/images/front`),
    ]) {
      const response = await request;
      expect(response.status).toBe(404);
    }
    const coordinator = await make.coordinator();
    await coordinator.client.get(`/reads/${mine}`).expect(404);
  });

  it('lists open tasks with counts and serves images privately with a strong ETag', async () => {
    const rater = raters[0];
    const queue = await rater.client.get('/reads').expect(200);
    expect(queue.body.counts).toEqual({
      open: queue.body.items.length,
      submittedToday: expect.any(Number),
      submitted: expect.any(Number),
    });
    expect(queue.body.counts.submittedToday).toBe(queue.body.counts.submitted);
    for (const item of queue.body.items) {
      expect(Object.keys(item).sort()).toEqual(['id', 'readCode', 'status']);
      expect(item.readCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    }
    const id = queue.body.items[0].id;
    const task = await rater.client.get(`/reads/${id}`).expect(200);
    expect(task.body.images.top.thumb).toBe(`/api/v1/reads/${id}/images/top?size=thumb`);
    const image = await rater.client.get(`/reads/${id}/images/top?size=display`).expect(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect(image.headers['cache-control']).toBe('private');
    expect(image.headers['etag']).toMatch(/^"[^"]+"$/);
    expect(image.headers['content-disposition']).toBeUndefined();
    const cached = await rater.client
      .get(`/reads/${id}/images/top?size=display`)
      .set('If-None-Match', image.headers['etag']);
    expect(cached.status).toBe(304);
    await rater.client.get(`/reads/${id}/images/top?size=huge`).expect(400);
  });
});
