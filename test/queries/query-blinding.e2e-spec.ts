import sharp from 'sharp';
import type { Response } from 'supertest';
import {
  ApiClient,
  Make,
  scores,
  studyWithTeam,
  tasksOf,
  VIEWS,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { binary, verifyAudit } from './query-support';

const SIZES = ['thumb', 'display', 'full'] as const;

/** Every field path in a JSON value, arrays written `[]` (as test/reads/blinding's probe). */
function fieldPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.add(`${prefix}[]`);
    for (const item of value) fieldPaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      fieldPaths(item, prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (prefix) {
    out.add(prefix);
  }
  return out;
}

/** Everything a caller received: bodies, headers, image bytes and metadata. */
class Probe {
  readonly texts: string[] = [];
  readonly fields = new Map<string, string>();

  async record(response: Response | Promise<Response>): Promise<Response> {
    const res = await response;
    this.texts.push(JSON.stringify(res.headers));
    if (Buffer.isBuffer(res.body)) {
      const meta = await sharp(res.body).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      this.texts.push(JSON.stringify({ ...meta, exif: undefined }), res.body.toString('latin1'));
    } else {
      this.texts.push(res.text ?? '', JSON.stringify(res.body ?? null));
      const request = (res as unknown as { req: { method: string; path: string } }).req;
      for (const field of fieldPaths(res.body)) {
        if (!this.fields.has(field)) this.fields.set(field, `${request.method} ${request.path}`);
      }
    }
    return res;
  }

  assertOnlyFields(allowed: Set<string>): void {
    const unexpected = [...this.fields].filter(([field]) => !allowed.has(field));
    expect(unexpected.map(([field, where]) => `${field} (from ${where})`)).toEqual([]);
  }

  assertNone(secrets: Record<string, string>): void {
    for (const [what, secret] of Object.entries(secrets)) {
      const hit = this.texts.find((text) => text.includes(secret));
      if (hit !== undefined) {
        const at = hit.indexOf(secret);
        throw new Error(
          `${what} (${secret}) leaked: …${hit.slice(Math.max(0, at - 80), at + 80)}…`,
        );
      }
    }
  }
}

const ERROR_FIELDS = ['statusCode', 'error', 'message', 'message[]', 'requestId'];
const IMAGE_FIELDS = VIEWS.flatMap((view) => SIZES.map((size) => `images.${view}.${size}`));
const REGIONS = ['top', 'back', 'left', 'right'];
/** What a rater may receive on the query paths: their task, and the answer to a not-evaluable. */
const RATER_FIELDS = new Set([
  ...ERROR_FIELDS,
  'items[].id',
  'items[].readCode',
  'items[].status',
  'items[]',
  'counts.open',
  'counts.submittedToday',
  'counts.submitted',
  'id',
  'readCode',
  'status',
  ...IMAGE_FIELDS,
  'draft',
  ...REGIONS.map((region) => `draft.${region}`),
  'submitted',
  ...[...REGIONS, 'salt', 'submittedAt'].map((field) => `submitted.${field}`),
  'salt',
  'submittedAt',
  // New with image queries: the views the answer named, and the coordinator's comment.
  'notEvaluable[]',
  'queryComment',
]);
const ADJUDICATOR_FIELDS = new Set([
  ...ERROR_FIELDS,
  'items[].id',
  'items[].code',
  'items[].status',
  'items[]',
  'counts.open',
  'counts.decidedToday',
  'counts.decided',
  'id',
  'code',
  'status',
  ...IMAGE_FIELDS,
  ...['readA', 'readB'].flatMap((read) => [...REGIONS, 'salt'].map((f) => `${read}.${f}`)),
  'difference',
  'rulesFired[]',
  'rules.maxDifference',
  'rules.thresholds[]',
  'allowOwn',
  'decision',
  ...['choice', 'finalSalt', 'rationale', 'decidedAt'].map((field) => `decision.${field}`),
  'finalSalt',
  'decidedAt',
  'notEvaluable[]',
  'submittedAt',
  'queryComment',
]);

/** A camera JPEG whose EXIF names the subject, visit and date, as real uploads do. */
function cameraJpeg(subjectCode: string, visit: string, shade: number): Promise<Buffer> {
  return sharp({
    create: { width: 640, height: 480, channels: 3, background: { r: shade, g: 150, b: 122 } },
  })
    .withExif({
      IFD0: {
        ImageDescription: `${subjectCode} ${visit}`,
        Artist: subjectCode,
        DateTime: '2026:03:14 09:30:00',
        Model: 'SN-4711',
      },
    })
    .jpeg()
    .toBuffer();
}

async function probeTask(
  probe: Probe,
  client: ApiClient,
  taskId: string,
  kind: 'reads' | 'adjudications',
) {
  const task = await probe.record(client.get(`/${kind}/${taskId}`));
  expect(task.status).toBe(200);
  for (const view of VIEWS) {
    for (const size of SIZES) {
      const image = await probe.record(
        binary(client, `/${kind}/${taskId}/images/${view}?size=${size}`),
      );
      expect(image.status).toBe(200);
    }
  }
  return task;
}

describe('blinding on the image query screens', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('readers learn nothing new, and the coordinator never learns who raised a query', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1, coordinators: 1 });
    const coordinator = team.coordinators[0];
    const subjectCode = 'QBLIND-SUBJ-9X';
    const visit = 'week-24-unblinding';
    const visitDate = '2026-03-14';
    let upload = coordinator.client
      .post(`/studies/${team.study.id}/photo-sets`)
      .field('subjectCode', subjectCode)
      .field('visit', visit)
      .field('visitDate', visitDate);
    for (const view of VIEWS) {
      upload = upload.attach(
        view,
        await cameraJpeg(subjectCode, visit, 190),
        `${subjectCode}_${view}.jpg`,
      );
    }
    const uploaded = await upload.expect(202);
    const photoSetId = uploaded.body.id as string;
    await waitForStatus(t, [photoSetId], (s) => s === 'reading', 60_000);
    const firstTasks = await tasksOf(t, [photoSetId]);
    const [raiser, other] = team.raters;
    const raiserTask = firstTasks.find((task) => task.raterId === raiser.user.id)!;
    const otherTask = firstTasks.find((task) => task.raterId === other.user.id)!;

    const rater = new Probe();
    const otherProbe = new Probe();
    const staff = new Probe();
    const c = raiser.client;
    await probeTask(rater, c, raiserTask.id, 'reads');
    const raised = await rater.record(
      c.post(`/reads/${raiserTask.id}/score`, {
        back: 20,
        left: 20,
        right: 20,
        notEvaluable: { top: { reason: 'other', text: 'The vertex is out of focus' } },
      }),
    );
    expect(raised.status).toBe(201);
    await rater.record(c.get('/reads'));
    await rater.record(c.get(`/reads/${raiserTask.id}`));
    await rater.record(c.get(`/reads/${raiserTask.id}/images/top`));
    await rater.record(c.get(`/studies/${team.study.id}/queries`));
    await rater.record(c.get(`/photo-sets/${photoSetId}/queries`));
    // The other rater's task is simply gone from their queue, nothing says why or who.
    await otherProbe.record(other.client.get('/reads'));
    await otherProbe.record(other.client.get(`/reads/${otherTask.id}`));
    await otherProbe.record(other.client.post('/reads/next'));

    // The coordinator's screens: the query, the set, its versions, results.
    const s = coordinator.client;
    const list = await staff.record(s.get(`/studies/${team.study.id}/queries`));
    const queryId = (list.body.items as { id: string }[])[0].id;
    await staff.record(s.get(`/studies/${team.study.id}/queries?status=open`));
    await staff.record(s.get(`/queries/${queryId}`));
    await staff.record(s.get(`/photo-sets/${photoSetId}/queries`));
    await staff.record(s.get(`/photo-sets/${photoSetId}`));
    await staff.record(s.get(`/studies/${team.study.id}/results`));
    await staff.record(s.get(`/studies/${team.study.id}/photo-sets`));
    // No audit trail for coordinators: its events name the raiser.
    expect((await s.get('/audit')).status).toBe(404);
    expect((await s.get(`/audit/entities/image-query/${queryId}`)).status).toBe(404);

    // Replacement with a camera image whose EXIF names the subject: stripped for the readers.
    const replaced = await staff.record(
      s
        .post(`/queries/${queryId}/replacement`)
        .attach('top', await cameraJpeg(subjectCode, visit, 90), `${subjectCode}_top.jpg`),
    );
    expect(replaced.status).toBe(202);
    await waitForStatus(t, [photoSetId], (st) => st === 'reading', 30_000);
    await staff.record(s.get(`/photo-sets/${photoSetId}/queries`));
    const secondTasks = (await tasksOf(t, [photoSetId])).filter(
      (task) => task.status === 'assigned',
    );
    const raiserTask2 = secondTasks.find((task) => task.raterId === raiser.user.id)!;
    const otherTask2 = secondTasks.find((task) => task.raterId === other.user.id)!;
    await rater.record(c.get('/reads'));
    await rater.record(c.post('/reads/next'));
    await probeTask(rater, c, raiserTask2.id, 'reads');
    await probeTask(otherProbe, other.client, otherTask2.id, 'reads');
    await rater.record(c.get(`/reads/${raiserTask.id}`));

    // A second query, confirmed: the comment reaches the readers, nothing else.
    await rater.record(
      c.post(`/reads/${raiserTask2.id}/score`, {
        top: 30,
        back: 30,
        right: 30,
        notEvaluable: { left: { reason: 'lighting' } },
      }),
    );
    const [second] = (await staff.record(s.get(`/studies/${team.study.id}/queries?status=open`)))
      .body.items as { id: string }[];
    const comment = 'Lighting is within the imaging manual; please score the left side.';
    await staff.record(s.post(`/queries/${second.id}/confirm`, { comment }));
    const back = await rater.record(c.get(`/reads/${raiserTask2.id}`));
    expect(back.body.queryComment).toBe(comment);
    const otherBack = await otherProbe.record(other.client.get(`/reads/${otherTask2.id}`));
    expect(otherBack.body.queryComment).toBe(comment);

    // Discordant reads, then the adjudicator's own query, confirmed.
    await rater.record(c.post(`/reads/${raiserTask2.id}/score`, scores(10)));
    await otherProbe.record(other.client.post(`/reads/${otherTask2.id}/score`, scores(70)));
    await waitForStatus(t, [photoSetId], (st) => st === 'adjudicating');
    const adjudicator = new Probe();
    const a = team.adjudicators[0].client;
    const next = await adjudicator.record(a.post('/adjudications/next'));
    const adjudicationId = next.body.id as string;
    await probeTask(adjudicator, a, adjudicationId, 'adjudications');
    await adjudicator.record(
      a.post(`/adjudications/${adjudicationId}/decision`, {
        notEvaluable: { right: { reason: 'hair-covered' } },
      }),
    );
    await adjudicator.record(a.get('/adjudications'));
    await adjudicator.record(a.get(`/adjudications/${adjudicationId}`));
    const [third] = (await staff.record(s.get(`/studies/${team.study.id}/queries?status=open`)))
      .body.items as { id: string }[];
    await staff.record(
      s.post(`/queries/${third.id}/confirm`, { comment: 'Hair is part of the assessment.' }),
    );
    const adjudicationBack = await adjudicator.record(a.get(`/adjudications/${adjudicationId}`));
    expect(adjudicationBack.body.queryComment).toBe('Hair is part of the assessment.');
    await adjudicator.record(
      a.post(`/adjudications/${adjudicationId}/decision`, {
        choice: 'A',
        rationale: 'Read A matches the images.',
      }),
    );
    await staff.record(s.get(`/studies/${team.study.id}/queries`));
    await staff.record(s.get(`/photo-sets/${photoSetId}/queries`));

    const readerSecrets = {
      'subject code': subjectCode,
      visit,
      'visit date': visitDate,
      'EXIF date': '2026:03:14',
      'camera serial': 'SN-4711',
      'set id': photoSetId,
      'study id': team.study.id,
      'query ids': queryId,
      'second query': second.id,
      'third query': third.id,
      "coordinator's id": coordinator.user.id,
      "coordinator's name": coordinator.user.name,
    };
    rater.assertNone({
      ...readerSecrets,
      "other rater's id": other.user.id,
      "other rater's name": other.user.name,
      "other rater's read code": otherTask.readCode,
      "other rater's new read code": otherTask2.readCode,
    });
    otherProbe.assertNone({
      ...readerSecrets,
      "raiser's id": raiser.user.id,
      "raiser's name": raiser.user.name,
      "raiser's read code": raiserTask.readCode,
      "raiser's new read code": raiserTask2.readCode,
      "raiser's reason": 'out of focus',
    });
    adjudicator.assertNone({
      ...readerSecrets,
      "rater 1's id": raiser.user.id,
      "rater 1's name": raiser.user.name,
      "rater 2's id": other.user.id,
      "rater 2's name": other.user.name,
      "rater's read code": raiserTask2.readCode,
      "a rater's reason": 'out of focus',
    });
    rater.assertOnlyFields(RATER_FIELDS);
    otherProbe.assertOnlyFields(RATER_FIELDS);
    adjudicator.assertOnlyFields(ADJUDICATOR_FIELDS);

    // The coordinator sees "a reader", never which one.
    const raiserSecrets: Record<string, string> = {};
    for (const [index, person] of [...team.raters, ...team.adjudicators].entries()) {
      raiserSecrets[`reader ${index} id`] = person.user.id;
      raiserSecrets[`reader ${index} name`] = person.user.name;
      raiserSecrets[`reader ${index} email`] = person.user.email;
    }
    for (const task of [...firstTasks, ...secondTasks])
      raiserSecrets[`read code ${task.id}`] = task.readCode;
    raiserSecrets['adjudication code'] = next.body.code as string;
    raiserSecrets['a read task id'] = raiserTask.id;
    raiserSecrets['an adjudication id'] = adjudicationId;
    // Results name raters once a set is final; this set is final now, so probe them apart.
    const resultsAfter = await s.get(`/studies/${team.study.id}/results`).expect(200);
    expect(resultsAfter.status).toBe(200);
    staff.assertNone(raiserSecrets);
    expect(JSON.stringify(list.body)).toContain('a reader');
    await verifyAudit(team.admin);
  });
});
