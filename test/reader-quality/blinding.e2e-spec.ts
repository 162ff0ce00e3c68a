import sharp from 'sharp';
import type { Response } from 'supertest';
import { RereadsService } from '../../src/reader-quality/rereads.service';
import {
  ApiClient,
  assign,
  createStudy,
  insertReadySet,
  Make,
  scores,
  waitForStatus,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  calibrationSet,
  charter,
  QualityTask,
  raterInStudy,
  readCalibration,
  tasksOfRater,
} from '../support/reader-quality-fixtures';

/** Every field path of a JSON value, arrays as `[]`. */
function fieldPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.add(`${prefix}[]`);
    for (const item of value) fieldPaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      fieldPaths(item, prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (prefix) {
    out.add(`${prefix}:${value === null ? 'null' : typeof value}`);
  }
  return out;
}

/** What of a response could tell one task from another, with the task's own id and code masked. */
function shape(response: Response, task: { id: string; readCode?: string }): object {
  const mask = (text: string) =>
    text
      .split(task.id)
      .join('<id>')
      .split(task.readCode ?? '\u0000')
      .join('<code>');
  const headers = Object.keys(response.headers)
    .filter(
      (name) => !['date', 'etag', 'x-request-id', 'content-length', 'last-modified'].includes(name),
    )
    .sort()
    .map(
      (name) =>
        `${name}: ${['content-type', 'cache-control', 'vary'].includes(name) ? String(response.headers[name]) : '*'}`,
    );
  const body = response.body as unknown;
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && value.startsWith('/api/')) strings.push(mask(value));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(body);
  return {
    status: response.status,
    headers,
    fields: [...fieldPaths(body)].sort(),
    urls: strings.sort(),
  };
}

describe('reader quality: calibration and re-read tasks cannot be told from first reads', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    admin = await make.admin();
  });
  afterAll(() => t.close());

  it('same JSON shape, headers, URLs, image metadata, read code form and queue ordering rule', async () => {
    const study = await createStudy(
      admin,
      charter({ qualificationSetCount: 1, rereadShare: 1, washoutDays: 0, washoutReads: 0 }),
    );
    await calibrationSet(t, admin, study.id, 40);
    const a = await raterInStudy(make, admin, study.id);
    const b = await raterInStudy(make, admin, study.id);
    await readCalibration(t, a, 0);
    await readCalibration(t, b, 0);
    // A third rater keeps an open calibration task; a and b get live and re-read tasks.
    const c = await raterInStudy(make, admin, study.id);
    // A set read to final through the real path, then re-read; another stays open for both.
    const done = await insertReadySet(t, study.id, 'BL-0', 'v1');
    const live = await insertReadySet(t, study.id, 'BL-1', 'v1');
    await assign(t, [done.id, live.id]);
    await waitForStatus(t, [done.id, live.id], (status) => status === 'reading');
    for (const rater of [a, b]) {
      const task = (await tasksOfRater(t, rater.user.id)).find(
        (x) => x.kind === 'live' && x.photoSetId === done.id,
      )!;
      await rater.client.post(`/reads/${task.id}/score`, scores(30)).expect(201);
    }
    await waitForStatus(t, [done.id], (status) => status === 'final');
    await t.app.get(RereadsService, { strict: false }).scheduleDue(study.id);

    const open = async (raterId: string, kind: QualityTask['kind']) =>
      (await tasksOfRater(t, raterId)).find((x) => x.kind === kind && x.status === 'assigned')!;
    const withReread = (await open(a.user.id, 'reread')) ? a : b;
    const samples = [
      { rater: withReread, task: await open(withReread.user.id, 'live') },
      { rater: withReread, task: await open(withReread.user.id, 'reread') },
      { rater: c, task: await open(c.user.id, 'calibration') },
    ];
    expect(samples.every((sample) => sample.task)).toBe(true);

    const shapes: unknown[] = [];
    for (const { rater, task } of samples) {
      const view = await rater.client.get(`/reads/${task.id}`).expect(200);
      expect(view.body.readCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
      const queueItems = (await rater.client.get('/reads').expect(200)).body.items as {
        id: string;
      }[];
      const item = queueItems.find((x) => x.id === task.id);
      const reference = await rater.client.get(`/reads/${task.id}/reference`).expect(404);
      const images = [];
      for (const view of ['top', 'back', 'left', 'right']) {
        for (const size of ['thumb', 'display', 'full']) {
          const image = await rater.client
            .get(`/reads/${task.id}/images/${view}?size=${size}`)
            .expect(200);
          const meta = await sharp(image.body as Buffer).metadata();
          expect(meta.exif).toBeUndefined();
          images.push({
            ...shape(image, task),
            format: meta.format,
            exif: meta.exif,
            icc: meta.icc,
            xmp: meta.xmp,
          });
        }
      }
      await rater.client.put(`/reads/${task.id}/draft`, { top: 10 }).expect(204);
      const draft = await rater.client.get(`/reads/${task.id}`).expect(200);
      shapes.push({
        view: shape(view, { id: task.id, readCode: view.body.readCode as string }),
        item: [...fieldPaths(item)].sort(),
        reference: { ...shape(reference, task), message: reference.body.message as unknown },
        images,
        draft: shape(draft, { id: task.id, readCode: view.body.readCode as string }),
      });
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);

    // The same ordering rule for every kind: the queue is ordered by one random key, drawn the
    // same way at assignment, so calibration and re-read tasks interleave with live ones.
    const queue = (await withReread.client.get('/reads').expect(200)).body.items as {
      id: string;
    }[];
    const keys: { id: string; kind: string; queueKey: number }[] = await t.db.query(
      `SELECT id, kind, queue_key AS "queueKey" FROM read_tasks
        WHERE rater_id = $1 AND status = 'assigned' ORDER BY queue_key, id`,
      [withReread.user.id],
    );
    expect(queue.map((x) => x.id)).toEqual(keys.map((k) => k.id));
    expect(new Set(keys.map((k) => k.kind))).toEqual(new Set(['live', 'reread']));
    expect(keys.every((k) => k.queueKey >= 0 && k.queueKey < 1)).toBe(true);

    // Scoring answers the same.
    const submitted = [];
    for (const { rater, task } of samples) {
      const response = await rater.client.post(`/reads/${task.id}/score`, scores(20)).expect(201);
      submitted.push(shape(response, task));
    }
    expect(submitted[1]).toEqual(submitted[0]);
    expect(submitted[2]).toEqual(submitted[0]);
  });
});
