import sharp from 'sharp';
import { PHOTO_STORAGE, PhotoStorage } from '../../src/storage/photo-storage';
import { API, Make, MadeUser, scores, studyWithTeam, waitForStatus } from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { BACKENDS, startStorageBackend, StorageBackend } from './storage-backends';

interface ImageRow {
  view: string;
  original_key: string;
  full_key: string;
  display_key: string;
  thumb_key: string;
}

async function imageBytes(client: MadeUser['client'], url: string): Promise<Buffer> {
  const response = await client
    .get(url.replace(API, ''))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .expect(200);
  expect(response.headers['content-type']).toBe('image/jpeg');
  return response.body as Buffer;
}

/**
 * The whole 2+1 pipeline, through the HTTP API and the real workers, once per storage backend:
 * upload → ingest → assign → two reads → evaluate → adjudicate → final, with the images a rater
 * and the adjudicator see streamed from the store through the API.
 */
describe.each(BACKENDS)('the pipeline on %s storage', (kind) => {
  let backend: StorageBackend;
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    backend = await startStorageBackend(kind);
    t = await startTestApp({ env: backend.env });
    make = new Make(t);
  });
  afterAll(async () => {
    await t?.close();
    await backend?.close();
  });

  it('runs upload to final result, serving blinded images from the store', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1, coordinators: 1 });
    const coordinator = team.coordinators[0].client;
    const uploaded = await upload(
      coordinator,
      team.study.id,
      { subjectCode: 'STORE-1', visit: 'baseline', visitDate: '2026-02-03' },
      await fourViews(140),
    ).expect(202);
    const setId = uploaded.body.id as string;
    await waitForStatus(t, [setId], (status) => status === 'reading', 30_000);

    // The app wrote through the configured backend: every key of the set is in that store.
    const images: ImageRow[] = await t.db.query(
      `SELECT view, original_key, full_key, display_key, thumb_key FROM photo_images
        WHERE photo_set_id = $1 ORDER BY view`,
      [setId],
    );
    expect(images).toHaveLength(4);
    const storage = t.app.get<PhotoStorage>(PHOTO_STORAGE, { strict: false });
    expect(storage.constructor.name).toBe(kind === 's3' ? 'S3Storage' : 'LocalDiskStorage');
    for (const image of images) {
      for (const key of [image.original_key, image.full_key, image.display_key, image.thumb_key]) {
        expect(await backend.storage.stat(key)).not.toBeNull();
      }
    }

    // Each rater sees the stripped display rendition, streamed through the API.
    const top = images.find((image) => image.view === 'top')!;
    const storedDisplay = await backend.storage.get(top.display_key);
    for (const [index, rater] of team.raters.entries()) {
      const next = await rater.client.post('/reads/next').expect(200);
      const served = await imageBytes(rater.client, next.body.images.top.display as string);
      expect(served.equals(storedDisplay)).toBe(true);
      const metadata = await sharp(served).metadata();
      expect(metadata.exif).toBeUndefined();
      await rater.client.post(`/reads/${next.body.id}/score`, scores(index === 0 ? 10 : 50));
    }

    await waitForStatus(t, [setId], (status) => status === 'adjudicating');
    const adjudicator = team.adjudicators[0].client;
    const task = await adjudicator.post('/adjudications/next').expect(200);
    const full = await imageBytes(adjudicator, task.body.images.left.full as string);
    const left = images.find((image) => image.view === 'left')!;
    expect(full.equals(await backend.storage.get(left.full_key))).toBe(true);
    // Which read is labelled A is the adjudication's business; pick the one that scored 50.
    const choice = (task.body.readB as { salt: number }).salt === 50 ? 'B' : 'A';
    await adjudicator
      .post(`/adjudications/${task.body.id}/decision`, {
        choice,
        rationale: 'This read matches the vertex photograph better.',
      })
      .expect(201);

    await waitForStatus(t, [setId], (status) => status === 'final');
    const results = await coordinator.get(`/studies/${team.study.id}/results`).expect(200);
    const row = (results.body.items as { photoSetId: string; finalSalt: number }[]).find(
      (item) => item.photoSetId === setId,
    );
    expect(row?.finalSalt).toBe(50);
  });
});
