import sharp from 'sharp';
import { Make, scores, waitForStatus } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  binary,
  currentTasks,
  sceneInAdjudication,
  sceneInReading,
  verifyAudit,
} from './query-support';

/** A replacement the readers can tell apart from the tiny factory image. */
function replacementJpeg(): Promise<Buffer> {
  return sharp({
    create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 90, b: 200 } },
  })
    .jpeg()
    .toBuffer();
}

describe('image queries', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('refuses a view with both a score and a reason, or neither, or a bad reason (400, nothing changes)', async () => {
    const scene = await sceneInReading(t, make);
    const [task] = scene.tasks;
    const rater = scene.raterOf(task).client;
    const send = (body: object) => rater.post(`/reads/${task.id}/score`, body);
    const both = await send({ ...scores(20), notEvaluable: { top: { reason: 'blurred' } } });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body.message)).toContain(
      'top: give a score or a not-evaluable reason, not both',
    );
    const neither = await send({ back: 1, left: 2, right: 3 });
    expect(neither.status).toBe(400);
    expect(JSON.stringify(neither.body.message)).toContain('top is required');
    const noText = await send({
      back: 1,
      left: 2,
      right: 3,
      notEvaluable: { top: { reason: 'other' } },
    });
    expect(noText.status).toBe(400);
    expect(JSON.stringify(noText.body.message)).toContain("text is required with reason 'other'");
    const control = await send({
      back: 1,
      left: 2,
      right: 3,
      notEvaluable: { top: { reason: 'other', text: 'cap\u0007 on' } },
    });
    expect(control.status).toBe(400);
    const tooLong = await send({
      back: 1,
      left: 2,
      right: 3,
      notEvaluable: { top: { reason: 'other', text: 'x'.repeat(501) } },
    });
    expect(tooLong.status).toBe(400);
    const unknown = await send({
      back: 1,
      left: 2,
      right: 3,
      notEvaluable: { top: { reason: 'dark' } },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.message)).toContain('reason must be one of');
    const textWithoutOther = await send({
      back: 1,
      left: 2,
      right: 3,
      notEvaluable: { top: { reason: 'blurred', text: 'very' } },
    });
    expect(textWithoutOther.status).toBe(400);
    const empty = await send({ ...scores(20), notEvaluable: {} });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body.message)).toContain(
      'notEvaluable must name at least one view',
    );
    const unknownView = await send({
      ...scores(20),
      notEvaluable: { front: { reason: 'blurred' } },
    });
    expect(unknownView.status).toBe(400);

    const statuses = await waitForStatus(t, [scene.photoSetId], () => true);
    expect(statuses[scene.photoSetId]).toBe('reading');
    expect((await currentTasks(t, scene.photoSetId)).map((row) => row.status)).toEqual([
      'assigned',
      'assigned',
    ]);
    // The all-scored path is unchanged.
    const scored = await send(scores(20));
    expect(scored.status).toBe(201);
    expect(scored.body.salt).toBe(20);
  });

  it('a query answered by a replacement: old image kept and restricted, both reads voided, the same pair rereads under new codes, only new reads count', async () => {
    const scene = await sceneInReading(t, make);
    const [first, second] = scene.tasks;
    const firstRater = scene.raterOf(first);
    const secondRater = scene.raterOf(second);
    const admin = scene.team.admin;

    // The first rater reads the old images (90), the second cannot score the vertex.
    await firstRater.client.post(`/reads/${first.id}/score`, scores(90)).expect(201);
    const oldTop = (await binary(secondRater.client, `/reads/${second.id}/images/top?size=full`))
      .body as Buffer;
    const raised = await secondRater.client.post(`/reads/${second.id}/score`, {
      back: 30,
      left: 30,
      right: 30,
      notEvaluable: { top: { reason: 'blurred' } },
    });
    expect(raised.status).toBe(201);
    expect(raised.body.notEvaluable).toEqual(['top']);
    expect((await waitForStatus(t, [scene.photoSetId], () => true))[scene.photoSetId]).toBe(
      'query',
    );
    // Withdrawn: out of the queue, and the task itself is gone for its rater.
    const queue = await secondRater.client.get('/reads').expect(200);
    const queued = (queue.body as { items: { id: string }[] }).items.map((item) => item.id);
    expect(queued).not.toContain(second.id);
    await secondRater.client.get(`/reads/${second.id}`).expect(404);
    await secondRater.client.get(`/reads/${second.id}/images/top`).expect(404);
    // A second answer on the withdrawn task is refused like an unknown one.
    await secondRater.client.post(`/reads/${second.id}/score`, scores(30)).expect(404);

    // The coordinator sees the query: which view, the reason, its age, "a reader".
    const coordinator = scene.coordinator.client;
    const open = await coordinator
      .get(`/studies/${scene.team.study.id}/queries?status=open`)
      .expect(200);
    expect(open.body.counts).toEqual({ open: 1, replacing: 0, answered: 0 });
    expect(open.body.items).toHaveLength(1);
    const query = open.body.items[0];
    expect(query).toMatchObject({
      photoSetId: scene.photoSetId,
      subjectCode: scene.subjectCode,
      status: 'open',
      views: [{ view: 'top', reason: 'blurred' }],
      raisedBy: 'a reader',
      answer: null,
    });
    expect(typeof query.ageSeconds).toBe('number');
    for (const rater of scene.team.raters) {
      for (const secret of [rater.user.id, rater.user.name, rater.user.email]) {
        expect(JSON.stringify(open.body)).not.toContain(secret);
      }
    }
    for (const task of scene.tasks) expect(JSON.stringify(open.body)).not.toContain(task.readCode);

    // Replacement of a view not queried is refused; so is a file-less answer.
    const wrongView = await coordinator
      .post(`/queries/${query.id}/replacement`)
      .attach('back', await replacementJpeg(), 'back.jpg');
    expect(wrongView.status).toBe(400);
    expect(JSON.stringify(wrongView.body.message)).toContain('back was not queried');

    const replaced = await coordinator
      .post(`/queries/${query.id}/replacement`)
      .attach('top', await replacementJpeg(), 'top.jpg');
    expect(replaced.status).toBe(202);
    expect(replaced.body.status).toBe('replacing');
    // A second answer while the first is processed is a conflict.
    await coordinator
      .post(`/queries/${query.id}/confirm`, { comment: 'fine as it is' })
      .expect(409);

    await waitForStatus(t, [scene.photoSetId], (s) => s === 'reading', 30_000);
    const rows = await currentTasks(t, scene.photoSetId);
    const voided = rows.filter((row) => row.status === 'voided');
    const fresh = rows.filter((row) => row.status === 'assigned');
    expect(voided.map((row) => row.id).sort()).toEqual([first.id, second.id].sort());
    expect(fresh).toHaveLength(2);
    // The same pair, same slots, new read codes.
    for (const row of fresh) {
      const old = voided.find((v) => v.slot === row.slot)!;
      expect(row.raterId).toBe(old.raterId);
      expect(row.readCode).not.toBe(old.readCode);
    }
    // The old task, its read and its images are gone for the rater who made it (404).
    await firstRater.client.get(`/reads/${first.id}`).expect(404);
    await firstRater.client.get(`/reads/${first.id}/images/top`).expect(404);
    // The new task shows the new image, not the old one.
    const freshOfSecond = fresh.find((row) => row.raterId === secondRater.user.id)!;
    const newTop = (
      await binary(secondRater.client, `/reads/${freshOfSecond.id}/images/top?size=full`).expect(
        200,
      )
    ).body as Buffer;
    expect(newTop.equals(oldTop)).toBe(false);
    expect((await sharp(newTop).metadata()).width).toBe(320);

    // Staff list the versions; the earlier one is kept, not current.
    const ofSet = await coordinator.get(`/photo-sets/${scene.photoSetId}/queries`).expect(200);
    const versions = (
      ofSet.body as { imageVersions: { view: string; version: number; current: boolean }[] }
    ).imageVersions;
    expect(versions.filter((v) => v.view === 'top').map((v) => [v.version, v.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(ofSet.body.items[0]).toMatchObject({ status: 'answered', answer: 'replaced' });
    const answered = await coordinator
      .get(`/studies/${scene.team.study.id}/queries?status=answered`)
      .expect(200);
    expect(answered.body.counts).toEqual({ open: 0, replacing: 0, answered: 1 });
    // Raters and adjudicators have no way to the query screens (404, as for anything unseen).
    await secondRater.client.get(`/photo-sets/${scene.photoSetId}/queries`).expect(404);
    await scene.team.adjudicators[0].client.get(`/queries/${query.id}`).expect(404);

    // The same pair reads again: 40 and 42, concordant; the old 90 must not count.
    for (const row of fresh) {
      const rater = scene.raterOf(row).client;
      await rater
        .post(`/reads/${row.id}/score`, scores(row.raterId === firstRater.user.id ? 40 : 42))
        .expect(201);
    }
    await waitForStatus(t, [scene.photoSetId], (s) => s === 'final');
    const results = await admin.get(`/studies/${scene.team.study.id}/results`).expect(200);
    const items = (
      results.body as {
        items: {
          photoSetId: string;
          finalSalt: number;
          readA: { salt: number };
          readB: { salt: number };
        }[];
      }
    ).items;
    const row = items.find((item) => item.photoSetId === scene.photoSetId)!;
    expect(row.finalSalt).toBe(41);
    expect([row.readA.salt, row.readB.salt].sort()).toEqual([40, 42]);
    // The voided read stays in history for auditors.
    const timeline = await admin.get(`/audit/entities/photo-set/${scene.photoSetId}`).expect(200);
    const actions = JSON.stringify(timeline.body);
    for (const action of [
      'query.raised',
      'query.replacement-uploaded',
      'photo-set.image-versioned',
      'read.voided',
      'query.replaced',
    ]) {
      expect(actions).toContain(action);
    }
    const [stored] = await t.db.query(
      `SELECT count(*)::int AS n FROM reads WHERE photo_set_id = $1`,
      [scene.photoSetId],
    );
    expect(stored.n).toBe(3);
    await verifyAudit(admin);
  });

  it('a query raised by the adjudicator and answered by a confirmation: back to the adjudicator with the comment', async () => {
    const scene = await sceneInAdjudication(t, make);
    const adjudicator = scene.team.adjudicators[0].client;
    const queue = await adjudicator.get('/adjudications').expect(200);
    const [task] = queue.body.items;
    const refused = await adjudicator.post(`/adjudications/${task.id}/decision`, {
      choice: 'A',
      notEvaluable: { left: { reason: 'hair-covered' } },
    });
    expect(refused.status).toBe(400);
    const raised = await adjudicator.post(`/adjudications/${task.id}/decision`, {
      notEvaluable: { left: { reason: 'other', text: 'A cap hides the left side' } },
    });
    expect(raised.status).toBe(201);
    expect(raised.body.notEvaluable).toEqual(['left']);
    await waitForStatus(t, [scene.photoSetId], (s) => s === 'query');
    expect((await adjudicator.get('/adjudications').expect(200)).body.items).toEqual([]);
    await adjudicator.get(`/adjudications/${task.id}`).expect(404);

    const coordinator = scene.coordinator.client;
    const list = await coordinator.get(`/studies/${scene.team.study.id}/queries`).expect(200);
    const query = list.body.items[0];
    expect(query.views).toEqual([
      { view: 'left', reason: 'other', text: 'A cap hides the left side' },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(scene.team.adjudicators[0].user.id);
    expect(JSON.stringify(list.body)).not.toContain(scene.team.adjudicators[0].user.name);

    const short = await coordinator.post(`/queries/${query.id}/confirm`, { comment: 'ok' });
    expect(short.status).toBe(400);
    const comment = 'The cap covers only the fringe; score what is visible.';
    const confirmed = await coordinator
      .post(`/queries/${query.id}/confirm`, { comment })
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: 'answered', answer: 'confirmed', comment });
    await coordinator.post(`/queries/${query.id}/confirm`, { comment }).expect(409);
    expect((await waitForStatus(t, [scene.photoSetId], () => true))[scene.photoSetId]).toBe(
      'adjudicating',
    );

    const back = await adjudicator.get(`/adjudications/${task.id}`).expect(200);
    expect(back.body.queryComment).toBe(comment);
    await adjudicator
      .post(`/adjudications/${task.id}/decision`, {
        choice: 'A',
        rationale: 'Read A matches the visible scalp.',
      })
      .expect(201);
    await waitForStatus(t, [scene.photoSetId], (s) => s === 'final');
    await verifyAudit(scene.team.admin);
  });

  it('a rater query answered by a confirmation: the raising rater gets the task back with the comment and their scored views', async () => {
    const scene = await sceneInReading(t, make);
    const [first, second] = scene.tasks;
    const rater = scene.raterOf(first).client;
    await rater
      .post(`/reads/${first.id}/score`, {
        top: 12,
        back: 14,
        left: 16,
        notEvaluable: { right: { reason: 'lighting' } },
      })
      .expect(201);
    await scene.raterOf(second).client.get(`/reads/${second.id}`).expect(404);
    const coordinator = scene.coordinator.client;
    const [query] = (
      await coordinator.get(`/studies/${scene.team.study.id}/queries?status=open`).expect(200)
    ).body.items;
    await coordinator
      .post(`/queries/${query.id}/confirm`, { comment: 'Lighting is within protocol.' })
      .expect(200);
    const task = await rater.get(`/reads/${first.id}`).expect(200);
    expect(task.body.queryComment).toBe('Lighting is within protocol.');
    expect(task.body.draft).toEqual({ top: 12, back: 14, left: 16 });
    const other = await scene.raterOf(second).client.get(`/reads/${second.id}`).expect(200);
    expect(other.body.status).toBe('assigned');
    for (const row of scene.tasks) {
      await scene.raterOf(row).client.post(`/reads/${row.id}/score`, scores(25)).expect(201);
    }
    await waitForStatus(t, [scene.photoSetId], (s) => s === 'final');
    await verifyAudit(scene.team.admin);
  });

  it("an adjudicator's query answered by a replacement: the voided pair and adjudication leave the results", async () => {
    const scene = await sceneInAdjudication(t, make);
    const adjudicator = scene.team.adjudicators[0].client;
    const [task] = (await adjudicator.get('/adjudications').expect(200)).body.items as {
      id: string;
    }[];
    await adjudicator
      .post(`/adjudications/${task.id}/decision`, { notEvaluable: { back: { reason: 'cropped' } } })
      .expect(201);
    const coordinator = scene.coordinator.client;
    const [query] = (
      await coordinator.get(`/studies/${scene.team.study.id}/queries?status=open`).expect(200)
    ).body.items as { id: string }[];
    await coordinator
      .post(`/queries/${query.id}/replacement`)
      .attach('back', await replacementJpeg(), 'back.jpg')
      .expect(202);
    await waitForStatus(t, [scene.photoSetId], (s) => s === 'reading', 30_000);
    // The withdrawn adjudication is voided, and the discordant pair of voided reads is gone.
    await adjudicator.get(`/adjudications/${task.id}`).expect(404);
    const results = await scene.team.admin
      .get(`/studies/${scene.team.study.id}/results`)
      .expect(200);
    const row = (
      results.body as {
        items: {
          photoSetId: string;
          difference: number | null;
          adjudication: unknown;
          readA: unknown;
        }[];
      }
    ).items.find((item) => item.photoSetId === scene.photoSetId)!;
    expect(row).toMatchObject({ difference: null, adjudication: null, readA: null });
    const agreement = await scene.team.admin
      .get(`/studies/${scene.team.study.id}/agreement`)
      .expect(200);
    expect(JSON.stringify(agreement.body)).not.toMatch(/"sets":[1-9]/);
    await verifyAudit(scene.team.admin);
  });
});
