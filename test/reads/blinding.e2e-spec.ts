import sharp from 'sharp';
import type { Response } from 'supertest';
import {
  ApiClient,
  MadeUser,
  Make,
  scores,
  studyWithTeam,
  tasksOf,
  VIEWS,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const SIZES = ['thumb', 'display', 'full'] as const;

/** Every field path in a JSON value, arrays written `[]`: `items[].readCode`, `settings.pairing`. */
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

const ERROR_FIELDS = ['statusCode', 'error', 'message', 'message[]', 'requestId'];
const STUDY_FIELDS = [
  'id',
  'code',
  'title',
  'createdAt',
  'myRoles[]',
  'settings.maxDifference',
  'settings.thresholds[]',
  'settings.pairing',
  'settings.adjudication',
  // Whether signers re-enter their password at every signing: the same for every task.
  'settings.signatureEverySigning',
  // Always empty for them: the schedule's labels are what a set's visit is called.
  'settings.visits[]',
  // The charter's reader-quality rules: the same for every task, so they tell no task apart.
  ...[
    'qualificationSetCount',
    'passMaxMeanAbsError',
    'passMinWithinPercent',
    'trainingFeedback',
    'rereadShare',
    'washoutDays',
    'washoutReads',
  ].map((key) => `settings.readerQuality.${key}`),
];
const ME_FIELDS = ['id', 'email', 'name', 'roles[]'];
const IMAGE_FIELDS = ['top', 'back', 'left', 'right'].flatMap((view) =>
  SIZES.map((size) => `images.${view}.${size}`),
);
const REGIONS = ['top', 'back', 'left', 'right'];

/**
 * Every field a rater may receive, in any response: their task, their own draft and read, their
 * queue counts, the study's name and charter, and errors. Nothing about the set, the visit, the
 * other read, discordance or results; a new field fails here until someone decides it is safe.
 */
const RATER_FIELDS = new Set([
  ...ERROR_FIELDS,
  ...ME_FIELDS,
  ...STUDY_FIELDS,
  ...STUDY_FIELDS.map((field) => `[].${field}`),
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
]);

/**
 * Every field an adjudicator may receive: their task with Read A and Read B (unlabelled), the
 * rules that fired, their decision, their queue counts, the study's name and charter, and errors.
 */
const ADJUDICATOR_FIELDS = new Set([
  ...ERROR_FIELDS,
  ...ME_FIELDS,
  ...STUDY_FIELDS,
  ...STUDY_FIELDS.map((field) => `[].${field}`),
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
]);

/** Everything a caller received: bodies, headers, and each image's bytes and metadata. */
class Probe {
  readonly texts: string[] = [];
  readonly images: Buffer[] = [];
  /** Every JSON field path received, with the request that returned it. */
  readonly fields = new Map<string, string>();

  async record(response: Response | Promise<Response>): Promise<Response> {
    const res = await response;
    this.texts.push(JSON.stringify(res.headers));
    if (Buffer.isBuffer(res.body)) {
      this.images.push(res.body);
      const meta = await sharp(res.body).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect((meta as { comments?: unknown }).comments).toBeUndefined();
      this.texts.push(JSON.stringify({ ...meta, exif: undefined }));
      // Also any text hidden in the bytes themselves (e.g. a JPEG comment segment).
      this.texts.push(res.body.toString('latin1'));
    } else {
      this.texts.push(res.text ?? '', JSON.stringify(res.body ?? null));
      const request = (res as unknown as { req: { method: string; path: string } }).req;
      for (const field of fieldPaths(res.body)) {
        if (!this.fields.has(field)) this.fields.set(field, `${request.method} ${request.path}`);
      }
    }
    return res;
  }

  /** Fails naming each field outside `allowed` and the request that returned it. */
  assertOnlyFields(allowed: Set<string>): void {
    const unexpected = [...this.fields].filter(([field]) => !allowed.has(field));
    expect(unexpected.map(([field, where]) => `${field} (from ${where})`)).toEqual([]);
  }

  /** Fails naming the secret and where it appeared. */
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

function binary(client: ApiClient, path: string) {
  return client
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** A camera JPEG whose EXIF names the subject, visit and date, as real uploads do. */
function cameraJpeg(view: string, subjectCode: string, visit: string): Promise<Buffer> {
  return sharp({
    create: { width: 800, height: 600, channels: 3, background: { r: 196, g: 150, b: 122 } },
  })
    .withExif({
      IFD0: {
        ImageDescription: `${subjectCode} ${visit} ${view}`,
        Artist: subjectCode,
        DateTime: '2026:03:14 09:30:00',
        Make: 'SiteCam',
        Model: 'SN-4711',
      },
    })
    .jpeg()
    .toBuffer();
}

describe('blinding: what raters and adjudicators can learn', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('raters and the adjudicator see nothing of subject, visit, date, set, each other or finals', async () => {
    // The schedule lists the sets' visits: the visit label must reach no rater through it.
    const team = await studyWithTeam(make, {
      raters: 2,
      adjudicators: 1,
      settings: {
        visits: [
          { label: 'week-52-unblinding', plannedDay: 1, baseline: true },
          { label: 'week-52-unblinding-b', plannedDay: 8, baseline: false },
        ],
      },
    });
    const coordinator = await make.coordinator();
    await team.admin
      .put(`/studies/${team.study.id}/members/${coordinator.user.id}`, { roles: ['coordinator'] })
      .expect(200);

    // The real path: upload → ingest → ready → assign.
    const subjectCode = 'BLIND-SUBJ-7Q';
    const visit = 'week-52-unblinding';
    const visitDate = '2026-03-14';
    const uploads: string[] = [];
    for (const [index, setVisit] of [visit, `${visit}-b`].entries()) {
      let request = coordinator.client
        .post(`/studies/${team.study.id}/photo-sets`)
        .field('subjectCode', subjectCode)
        .field('visit', setVisit)
        .field('visitDate', visitDate);
      for (const view of VIEWS) {
        request = request.attach(
          view,
          await cameraJpeg(view, subjectCode, setVisit),
          `${subjectCode}_${setVisit}_${view}_${index}.jpg`,
        );
      }
      const response = await request;
      expect(response.status).toBe(202);
      uploads.push(response.body.id as string);
    }
    const [concordantSet, discordantSet] = uploads;
    await waitForStatus(t, uploads, (s) => s === 'reading', 60_000);
    const tasks = await tasksOf(t, uploads);
    const taskOf = (setId: string, rater: MadeUser) =>
      tasks.find((task) => task.photoSetId === setId && task.raterId === rater.user.id)!.id;
    const [probed, other] = team.raters;

    // The other rater scores first: 87.3 on the concordant set, 71.7 on the discordant one.
    await other.client
      .post(`/reads/${taskOf(concordantSet, other)}/score`, scores(87.3))
      .expect(201);
    await other.client
      .post(`/reads/${taskOf(discordantSet, other)}/score`, scores(71.7))
      .expect(201);

    const rater = new Probe();
    const c = probed.client;
    // The study as the rater sees it (it names the study, so it has a probe of its own): its
    // name and charter, and nothing that their reads could move.
    const raterStudy = new Probe();
    await raterStudy.record(c.get('/auth/me'));
    await raterStudy.record(c.get('/studies'));
    const studyBefore = await raterStudy.record(c.get(`/studies/${team.study.id}`));
    expect(studyBefore.status).toBe(200);
    await rater.record(c.get('/reads'));
    const next = await rater.record(c.post('/reads/next'));
    expect(next.status).toBe(200);
    for (const setId of uploads) {
      const id = taskOf(setId, probed);
      const task = await rater.record(c.get(`/reads/${id}`));
      expect(Object.keys(task.body).sort()).toEqual(
        ['draft', 'id', 'images', 'readCode', 'status', 'submitted'].sort(),
      );
      for (const view of VIEWS) {
        for (const size of SIZES) {
          const url = task.body.images[view][size] as string;
          expect(url).toBe(`/api/v1/reads/${id}/images/${view}?size=${size}`);
          const image = await rater.record(binary(c, url.replace('/api/v1', '')));
          expect(image.status).toBe(200);
          await rater.record(
            c.get(url.replace('/api/v1', '')).set('If-None-Match', image.headers.etag),
          );
        }
      }
      await rater.record(c.put(`/reads/${id}/draft`, { top: 83.9 }));
      await rater.record(c.get(`/reads/${id}`));
    }
    // Probing for things that are not theirs: the set id, the other rater's task.
    await rater.record(c.get(`/reads/${concordantSet}`));
    await rater.record(c.get(`/reads/${taskOf(concordantSet, other)}`));
    await rater.record(c.get(`/reads/${taskOf(concordantSet, other)}/images/top`));
    await rater.record(c.get(`/adjudications`));
    await rater.record(c.get(`/studies/${team.study.id}/results`));
    await rater.record(c.get(`/photo-sets/${concordantSet}`));
    await rater.record(c.get(`/studies/${team.study.id}/photo-sets`));

    // Score: concordant → final 85.6; discordant (|83.9 − 71.7| > 10) → adjudication.
    for (const setId of uploads) {
      const id = taskOf(setId, probed);
      const scored = await rater.record(c.post(`/reads/${id}/score`, scores(83.9)));
      expect(scored.status).toBe(201);
      await rater.record(c.post(`/reads/${id}/score`, scores(83.9)));
    }
    await waitForStatus(t, [concordantSet], (s) => s === 'final');
    await waitForStatus(t, [discordantSet], (s) => s === 'adjudicating');
    for (const setId of uploads) await rater.record(c.get(`/reads/${taskOf(setId, probed)}`));
    await rater.record(c.get('/reads'));
    await rater.record(c.post('/reads/next'));
    // Their reads made one pair final and the other discordant: the study looks just the same.
    const studyAfter = await raterStudy.record(c.get(`/studies/${team.study.id}`));
    expect(studyAfter.body).toEqual(studyBefore.body);
    await raterStudy.record(c.get('/studies'));

    const [final] = await t.db.query(`SELECT salt FROM final_scores WHERE photo_set_id = $1`, [
      concordantSet,
    ]);
    expect(final.salt).toBe('85.6');
    const raterSecrets = {
      'subject code': subjectCode,
      visit,
      'visit date': visitDate,
      'EXIF date': '2026:03:14',
      'camera serial': 'SN-4711',
      'set id': concordantSet,
      'other set id': discordantSet,
      "other rater's id": other.user.id,
      "other rater's name": other.user.name,
      "other rater's email": other.user.email,
      "other rater's score": '87.3',
      "other rater's discordant score": '71.7',
      'final score': '85.6',
      'discordance rule': 'max-difference',
      'sets in adjudication': 'adjudicating',
    };
    rater.assertNone({ ...raterSecrets, 'study id': team.study.id });
    raterStudy.assertNone(raterSecrets);
    rater.assertOnlyFields(RATER_FIELDS);
    raterStudy.assertOnlyFields(RATER_FIELDS);

    // The adjudicator: both reads, unlabelled, and the rules — nothing else.
    const adjudicator = new Probe();
    const a = team.adjudicators[0].client;
    const adjudicatorStudy = new Probe();
    await adjudicatorStudy.record(a.get('/auth/me'));
    await adjudicatorStudy.record(a.get('/studies'));
    const before = await adjudicatorStudy.record(a.get(`/studies/${team.study.id}`));
    expect(before.status).toBe(200);
    await adjudicator.record(a.get('/adjudications'));
    const task = await adjudicator.record(a.post('/adjudications/next'));
    expect(task.status).toBe(200);
    expect(task.body.rulesFired).toEqual(['max-difference']);
    expect([task.body.readA.salt, task.body.readB.salt].sort()).toEqual([71.7, 83.9]);
    await adjudicator.record(a.get(`/adjudications/${task.body.id}`));
    for (const view of VIEWS) {
      for (const size of SIZES) {
        const url = (task.body.images[view][size] as string).replace('/api/v1', '');
        expect(url).toBe(`/adjudications/${task.body.id}/images/${view}?size=${size}`);
        const image = await adjudicator.record(binary(a, url));
        expect(image.status).toBe(200);
      }
    }
    await adjudicator.record(a.get(`/adjudications/${discordantSet}`));
    await adjudicator.record(a.get(`/reads/${taskOf(discordantSet, other)}`));
    await adjudicator.record(a.get(`/studies/${team.study.id}/results`));
    await adjudicator.record(
      a.post(`/adjudications/${task.body.id}/decision`, {
        choice: 'B',
        rationale: 'Read B matches the vertex photographs.',
      }),
    );
    await adjudicator.record(a.get(`/adjudications/${task.body.id}`));
    await adjudicator.record(a.get('/adjudications'));
    await waitForStatus(t, [discordantSet], (s) => s === 'final');
    // Their decision made the set final: the study looks just the same to them.
    const after = await adjudicatorStudy.record(a.get(`/studies/${team.study.id}`));
    expect(after.body).toEqual(before.body);
    adjudicator.assertOnlyFields(ADJUDICATOR_FIELDS);
    adjudicatorStudy.assertOnlyFields(ADJUDICATOR_FIELDS);
    adjudicatorStudy.assertNone({
      'subject code': subjectCode,
      visit,
      'visit date': visitDate,
      'set id': discordantSet,
      'other set id': concordantSet,
      "rater 1's id": probed.user.id,
      "rater 2's id": other.user.id,
      'the other set’s final': '85.6',
      'sets in adjudication': 'adjudicating',
    });
    adjudicator.assertNone({
      'subject code': subjectCode,
      visit,
      'visit date': visitDate,
      'EXIF date': '2026:03:14',
      'camera serial': 'SN-4711',
      'set id': discordantSet,
      'other set id': concordantSet,
      'study id': team.study.id,
      "rater 1's id": probed.user.id,
      "rater 1's name": probed.user.name,
      "rater 1's email": probed.user.email,
      "rater 2's id": other.user.id,
      "rater 2's name": other.user.name,
      "rater 2's email": other.user.email,
      "the rater's read code": tasks.find((t2) => t2.photoSetId === discordantSet)!.readCode,
      'the other set’s final': '85.6',
    });
  });
});
