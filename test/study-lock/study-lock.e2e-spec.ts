import { randomBytes } from 'node:crypto';
import request from 'supertest';
import {
  login,
  Make,
  readingSet,
  scores,
  studyWithTeam,
  Team,
  TaskRow,
  waitForStatus,
} from '../support/factories';
import { fourViews, plainJpeg, upload } from '../support/photo-fixtures';
import { startTestApp, TestApp } from '../support/test-app';

/** The mark RefusedWhileLocked puts on an operation of the OpenAPI document. */
const REFUSED_WHILE_LOCKED = 'x-salt-refused-while-locked';

type Send = () => request.Test;
/** One refused write: the request, and the status it gets once the study is unlocked again. */
interface Recipe {
  send: Send;
  okStatus: number;
}

/**
 * The study lock: while a study is locked every write the document marks RefusedWhileLocked
 * answers 409 naming the lock; after unlocking the same requests succeed. The cases come from
 * the OpenAPI document, so a new write marked in a controller cannot go untested.
 */
describe('a locked study', () => {
  let t: TestApp;
  let make: Make;
  let team: Team;
  let subject = 0;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    team = await studyWithTeam(make, { raters: 2, adjudicators: 1, coordinators: 1 });
  });
  afterAll(() => t.close());

  const raterOf = (task: TaskRow) => team.raters.find((r) => r.user.id === task.raterId)!;

  async function setIn(state: 'reading' | 'final' | 'adjudicating') {
    const { set, tasks } = await readingSet(t, team.study.id, `LK-${++subject}`, 'v1');
    if (state !== 'reading') {
      for (const task of tasks) {
        const value = state === 'final' ? 40 : task.slot === 1 ? 10 : 60;
        await raterOf(task).client.post(`/reads/${task.id}/score`, scores(value)).expect(201);
      }
      await waitForStatus(t, [set.id], (s) => s === state);
    }
    return { photoSetId: set.id, tasks };
  }

  /** A set in query: one rater answered its top view not evaluable. */
  async function openQuery(): Promise<string> {
    const { photoSetId, tasks } = await setIn('reading');
    await raterOf(tasks[0])
      .client.post(`/reads/${tasks[0].id}/score`, {
        back: 10,
        left: 10,
        right: 10,
        notEvaluable: { top: { reason: 'blurred' } },
      })
      .expect(201);
    const coordinator = team.coordinators[0].client;
    const queries = await coordinator.get(`/photo-sets/${photoSetId}/queries`).expect(200);
    return (queries.body.items as { id: string }[])[0].id;
  }

  async function recipes(): Promise<Record<string, Recipe>> {
    const coordinator = team.coordinators[0].client;
    const admin = team.admin;
    const studyId = team.study.id;
    const reading = await setIn('reading');
    const final = await setIn('final');
    await setIn('adjudicating');
    const adjudicator = team.adjudicators[0].client;
    const adjudication = (await adjudicator.post('/adjudications/next').expect(200)).body as {
      id: string;
    };
    const toConfirm = await openQuery();
    const toReplace = await openQuery();
    const newcomer = await make.rater();
    const views = await fourViews();
    const replacement = await plainJpeg(640, 480, 60);
    const notAZip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(64)]);
    const uploadSubject = `LK-UP-${randomBytes(2).toString('hex')}`;
    return {
      'POST /studies/{id}/photo-sets': {
        send: () =>
          upload(coordinator, studyId, { subjectCode: uploadSubject, visit: 'v1' }, views),
        okStatus: 202,
      },
      'POST /studies/{id}/imports': {
        send: () =>
          coordinator.post(`/studies/${studyId}/imports`).attach('archive', notAZip, 'a.zip'),
        okStatus: 202,
      },
      'POST /reads/{id}/score': {
        send: () =>
          raterOf(reading.tasks[0]).client.post(`/reads/${reading.tasks[0].id}/score`, scores(30)),
        okStatus: 201,
      },
      'POST /reads/{id}/reopen': {
        send: () =>
          admin.post(`/reads/${final.tasks[0].id}/reopen`, { reason: 'Transcription error' }),
        okStatus: 201,
      },
      'POST /adjudications/{id}/decision': {
        send: () =>
          adjudicator.post(`/adjudications/${adjudication.id}/decision`, {
            choice: 'A',
            rationale: 'Read A matches the images',
          }),
        okStatus: 201,
      },
      'PUT /studies/{id}/members/{userId}': {
        send: () =>
          admin.put(`/studies/${studyId}/members/${newcomer.user.id}`, { roles: ['rater'] }),
        okStatus: 200,
      },
      'DELETE /studies/{id}/members/{userId}': {
        send: () => admin.delete(`/studies/${studyId}/members/${newcomer.user.id}`),
        okStatus: 204,
      },
      'POST /queries/{id}/confirm': {
        send: () =>
          coordinator.post(`/queries/${toConfirm}/confirm`, { comment: 'The image is fine' }),
        okStatus: 200,
      },
      'POST /queries/{id}/replacement': {
        send: () =>
          coordinator
            .post(`/queries/${toReplace}/replacement`)
            .attach('top', replacement, 'top.jpg'),
        okStatus: 202,
      },
    };
  }

  it('refuses every marked write with 409 naming the lock, and takes them again after unlocking', async () => {
    const document = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const marked = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation[REFUSED_WHILE_LOCKED] === true)
        .map(([method]) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '')}`),
    );
    const cases = await recipes();
    // Every write the lock must refuse is marked, and every marked write has a case here.
    expect(marked.sort()).toEqual(Object.keys(cases).sort());

    const admin = team.admin;
    const auditor = (await make.auditor()).client;
    const reason = 'Database freeze for the week 24 analysis';
    const locked = await admin.post(`/studies/${team.study.id}/lock`, { reason }).expect(200);
    expect(locked.body).toMatchObject({ locked: true, reason, lockedBy: expect.any(String) });
    const lockId = locked.body.lockId as string;
    expect(
      (await admin.post(`/studies/${team.study.id}/lock`, { reason }).expect(409)).body.message,
    ).toMatch(/locked already/);

    for (const [operation, recipe] of Object.entries(cases)) {
      const response = await recipe.send();
      expect({ operation, status: response.status }).toEqual({ operation, status: 409 });
      expect(response.body.message).toContain(`lock ${lockId}`);
      expect(response.body.message).toMatch(/is locked for analysis since/);
    }

    // Exports made during the lock carry it: the lock's time and the audit log's head.
    const results = await admin.get(`/studies/${team.study.id}/results?format=csv`).expect(200);
    expect(results.headers['x-study-locked-at']).toBe(locked.body.lockedAt);
    expect(results.headers['x-study-lock-id']).toBe(lockId);
    expect(results.headers['x-audit-head-at-lock']).toBe(
      JSON.stringify(locked.body.auditHeadAtLock),
    );
    const adread = await admin.get(`/studies/${team.study.id}/datasets/adread.csv`).expect(200);
    expect(adread.headers['x-study-lock-id']).toBe(lockId);

    expect(
      (await admin.post(`/studies/${team.study.id}/unlock`, {}).expect(400)).body.message,
    ).toEqual(expect.arrayContaining([expect.stringMatching(/reason/)]));
    await admin
      .post(`/studies/${team.study.id}/unlock`, { reason: 'Analysis files delivered' })
      .expect(200);
    expect((await admin.get(`/studies/${team.study.id}/lock`).expect(200)).body.locked).toBe(false);
    for (const [operation, recipe] of Object.entries(cases)) {
      const response = await recipe.send();
      expect({ operation, status: response.status, body: response.body }).toMatchObject({
        operation,
        status: recipe.okStatus,
      });
    }
    const after = await admin.get(`/studies/${team.study.id}/results?format=csv`).expect(200);
    expect(after.headers['x-study-lock-id']).toBeUndefined();

    const trail = await auditor.get(`/audit/entities/study/${team.study.id}`).expect(200);
    const actions = (trail.body.items as { action: string; reason: string | null }[]).filter(
      (event) => event.action === 'study.locked' || event.action === 'study.unlocked',
    );
    expect(actions).toEqual([
      expect.objectContaining({ action: 'study.locked', reason }),
      expect.objectContaining({ action: 'study.unlocked', reason: 'Analysis files delivered' }),
    ]);
    expect((await auditor.get('/audit/verify').expect(200)).body.ok).toBe(true);
  });

  it('lets only admins lock, and hides the lock from raters', async () => {
    const coordinator = team.coordinators[0].client;
    const rater = team.raters[0];
    await coordinator
      .post(`/studies/${team.study.id}/lock`, { reason: 'Not mine to freeze' })
      .expect(403);
    await rater.client.get(`/studies/${team.study.id}/lock`).expect(404);
    const fresh = await login(t, rater.user.email, rater.password);
    await fresh.get(`/studies/${team.study.id}/lock`).expect(404);
  });
});
