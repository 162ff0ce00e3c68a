import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { jpegMetadataSegments } from '../../src/photo-sets/image-pipeline';
import { VIEWS } from '../../src/photo-sets/photo-set.entity';
import { Make, studyWithCoordinator, StudySetup, waitForSet } from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { iptcSegment, storedFiles, withSegments } from './photo-helpers';

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Site-Paris-042</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A photo carrying every kind of identifying metadata a clinic camera might add. */
async function identifyingJpeg(): Promise<Buffer> {
  const tagged = await sharp({
    create: { width: 2000, height: 1500, channels: 3, background: { r: 150, g: 100, b: 80 } },
  })
    .withExif({
      IFD0: { Make: 'Canon', Model: 'EOS R5', Artist: 'Dr Example' },
      IFD2: { DateTimeOriginal: '2024:03:01 10:11:12', BodySerialNumber: 'SERIAL-987654' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E' },
    })
    .withXmp(XMP)
    .withIccProfile('p3')
    .jpeg()
    .toBuffer();
  return withSegments(tagged, [
    { marker: 0xfe, data: Buffer.from('COMMENT subject 0042 baseline') },
    iptcSegment('IPTC-CAPTION-subject-0042'),
  ]);
}

const SECRETS = [
  'SERIAL-987654',
  'Site-Paris-042',
  'COMMENT subject',
  'IPTC-CAPTION',
  '2024:03:01',
];

async function expectNoMetadata(bytes: Buffer): Promise<void> {
  const meta = await sharp(bytes).metadata();
  expect(meta.format).toBe('jpeg');
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect(meta.iptc).toBeUndefined();
  expect(meta.icc).toBeUndefined();
  expect(meta.tifftagPhotoshop).toBeUndefined();
  expect(meta.comments ?? []).toEqual([]);
  // Raw marker scan too: sharp does not report JPEG COM segments.
  expect(jpegMetadataSegments(bytes)).toEqual([]);
  for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret))).toBe(false);
}

/** Assignment (reads module) may move a ready set on at once; all of these mean "ingested". */
const READY = 'ready';
/** This module's own events; later stages add theirs to the same set's timeline. */
const INGEST_ACTIONS = [
  'photo-set.uploaded',
  'photo-set.replaced',
  'photo-set.ready',
  'photo-set.rejected',
];

describe('photo set upload and ingest', () => {
  let t: TestApp;
  let make: Make;
  let setup: StudySetup;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    setup = await studyWithCoordinator(make);
  });
  afterAll(() => t.close());

  it('strips EXIF, GPS, serial, XMP, IPTC, ICC and comments from every stored and served rendition', async () => {
    const original = await identifyingJpeg();
    const before = await sharp(original).metadata();
    expect(before.exif && before.xmp && before.iptc && before.icc).toBeTruthy();
    expect(jpegMetadataSegments(original)).toEqual(
      expect.arrayContaining(['APP1', 'APP2', 'APP13', 'COM']),
    );

    const files = Object.fromEntries(VIEWS.map((view) => [view, { bytes: original }]));
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-META', visit: 'baseline', visitDate: '2024-03-01' },
      files,
    );
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: expect.any(String), status: 'processing' });
    const id = (response.body as { id: string }).id;
    expect(await waitForSet(t, id)).toBe(READY);

    // Served: every view, every size.
    for (const view of VIEWS) {
      for (const size of ['thumb', 'display', 'full']) {
        const served = await setup.coordinator.client
          .get(`/photo-sets/${id}/images/${view}?size=${size}`)
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(served.status).toBe(200);
        expect(served.headers['content-type']).toBe('image/jpeg');
        const body = served.body as Buffer;
        expect(served.headers.etag).toBe(`"${createHash('sha256').update(body).digest('hex')}"`);
        await expectNoMetadata(body);
      }
    }
    // Stored: every rendition file on disk.
    const renditions = storedFiles(t.config.storageDir, 'renditions');
    expect(renditions).toHaveLength(12);
    for (const key of renditions) {
      await expectNoMetadata(readFileSync(join(t.config.storageDir, key)));
    }
    // The original is kept as uploaded, with its SHA-256, outside anything served.
    const images: { original_key: string; original_sha256: string }[] = await t.db.query(
      'SELECT original_key, original_sha256 FROM photo_images WHERE photo_set_id = $1',
      [id],
    );
    for (const image of images) {
      expect(image.original_key).toMatch(/^originals\//);
      const kept = readFileSync(join(t.config.storageDir, image.original_key));
      expect(createHash('sha256').update(kept).digest('hex')).toBe(image.original_sha256);
      expect(image.original_sha256).toBe(createHash('sha256').update(original).digest('hex'));
    }
    // Keys reveal nothing about subject, visit or date.
    for (const key of [...renditions, ...images.map((i) => i.original_key)]) {
      expect(key).not.toMatch(/S-META|baseline|2024/);
    }
    const display = await sharp(readFileSync(join(t.config.storageDir, renditions[0]))).metadata();
    expect([2000, 1600, 320]).toContain(display.width);

    const actions: { action: string }[] = await t.db.query(
      `SELECT action FROM audit_events
        WHERE entity_type = 'photo-set' AND entity_id = $1 AND action = ANY($2) ORDER BY seq`,
      [id, INGEST_ACTIONS],
    );
    expect(actions.map((a) => a.action)).toEqual(['photo-set.uploaded', 'photo-set.ready']);
  });

  it('turns an EXIF-rotated image upright', async () => {
    const files = await fourViews();
    files.top = {
      bytes: await sharp({
        create: { width: 600, height: 200, channels: 3, background: { r: 10, g: 200, b: 10 } },
      })
        .withMetadata({ orientation: 6 })
        .jpeg()
        .toBuffer(),
    };
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-ROT', visit: 'baseline' },
      files,
    );
    const id = (response.body as { id: string }).id;
    expect(await waitForSet(t, id)).toBe(READY);
    const full = await setup.coordinator.client
      .get(`/photo-sets/${id}/images/top?size=full`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const meta = await sharp(full.body as Buffer).metadata();
    expect([meta.width, meta.height]).toEqual([200, 600]);
    expect(meta.orientation).toBeUndefined();
  });

  it('rejects a text file named .jpg, saying why, per view', async () => {
    const files = await fourViews();
    files.back = {
      bytes: Buffer.from('Patient 0042, visit week 12\n'.repeat(20)),
      name: 'back.jpg',
    };
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-TXT', visit: 'baseline' },
      files,
    );
    expect(response.status).toBe(202);
    const id = (response.body as { id: string }).id;
    expect(await waitForSet(t, id)).toBe('rejected');
    const detail = await setup.coordinator.client.get(`/photo-sets/${id}`);
    expect(detail.body).toMatchObject({
      id,
      studyId: setup.studyId,
      subjectCode: 'S-TXT',
      visit: 'baseline',
      visitDate: null,
      status: 'rejected',
      rejectionReasons: [{ view: 'back', reason: 'not an image sharp can decode (text file)' }],
    });
    expect(detail.body.views).toEqual([
      { view: 'top', status: 'ready', version: 1 },
      {
        view: 'back',
        status: 'rejected',
        reason: 'not an image sharp can decode (text file)',
        version: 1,
      },
      { view: 'left', status: 'ready', version: 1 },
      { view: 'right', status: 'ready', version: 1 },
    ]);
    expect((await setup.coordinator.client.get(`/photo-sets/${id}/images/back`)).status).toBe(404);
  });

  it('answers 400 naming the missing view when a set has three', async () => {
    const files = await fourViews();
    delete files.right;
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-3', visit: 'baseline' },
      files,
    );
    expect(response.status).toBe(400);
    expect(response.body.message).toEqual([
      'right: the right view is missing; all four views are required',
    ]);
    const rows: unknown[] = await t.db.query(`SELECT 1 FROM subjects WHERE code = 'S-3'`);
    expect(rows).toEqual([]);
  });

  it('answers 413 naming the file when one is over 25 MB, and stores nothing', async () => {
    const before = storedFiles(t.config.storageDir, 'originals');
    const files = await fourViews();
    files.left = { bytes: Buffer.alloc(30 * 1024 * 1024, 0xff), name: 'left.jpg' };
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-BIG', visit: 'baseline' },
      files,
    );
    expect(response.status).toBe(413);
    expect(response.body.message).toBe('left: the file is larger than the 25 MB limit');
    expect(storedFiles(t.config.storageDir, 'originals')).toEqual(before);
  });

  it('validates the form fields', async () => {
    const files = await fourViews();
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: '../x', visit: 'baseline', visitDate: '2024-02-30' },
      files,
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.message)).toMatch(/subjectCode/);
  });

  it('refuses a second set for one subject+visit, but replaces it with replace=true before reading', async () => {
    const first = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-DUP', visit: 'week12' },
      await fourViews(50),
    );
    const id = (first.body as { id: string }).id;
    expect(await waitForSet(t, id)).toBe(READY);
    const [old]: { original_key: string; full_key: string }[] = await t.db.query(
      `SELECT original_key, full_key FROM photo_images WHERE photo_set_id = $1 AND view = 'top'`,
      [id],
    );

    const again = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-DUP', visit: 'week12' },
      await fourViews(60),
    );
    expect(again.status).toBe(409);

    const replaced = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-DUP', visit: 'week12', replace: 'true', visitDate: '2024-05-06' },
      await fourViews(200),
    );
    expect(replaced.status).toBe(202);
    expect(replaced.body).toEqual({ id, status: 'processing' });
    expect(await waitForSet(t, id)).toBe(READY);
    const detail = await setup.coordinator.client.get(`/photo-sets/${id}`);
    expect(detail.body.visitDate).toBe('2024-05-06');
    const [now]: { original_key: string; full_key: string }[] = await t.db.query(
      `SELECT original_key, full_key FROM photo_images WHERE photo_set_id = $1 AND view = 'top'`,
      [id],
    );
    expect(now.original_key).not.toBe(old.original_key);
    // The replaced files are gone from storage.
    const stored = [
      ...storedFiles(t.config.storageDir, 'originals'),
      ...storedFiles(t.config.storageDir, 'renditions'),
    ];
    expect(stored).not.toContain(old.original_key);
    expect(stored).not.toContain(old.full_key);
    const actions: { action: string }[] = await t.db.query(
      `SELECT action FROM audit_events WHERE entity_id = $1 AND action = ANY($2) ORDER BY seq`,
      [id, INGEST_ACTIONS],
    );
    expect(actions.map((a) => a.action)).toEqual([
      'photo-set.uploaded',
      'photo-set.ready',
      'photo-set.replaced',
      'photo-set.ready',
    ]);
  });

  it('refuses replace=true once reading has started', async () => {
    const study = await studyWithCoordinator(make);
    for (let i = 0; i < 2; i++) {
      const rater = await make.rater();
      await study.admin.put(`/studies/${study.studyId}/members/${rater.user.id}`, {
        roles: ['rater'],
      });
    }
    const first = await upload(
      study.coordinator.client,
      study.studyId,
      { subjectCode: 'S-READ', visit: 'baseline' },
      await fourViews(),
    );
    const id = (first.body as { id: string }).id;
    // Assignment (reads module) hands the ready set to the two raters.
    await waitFor(async () => {
      const tasks: unknown[] = await t.db.query(
        'SELECT 1 FROM read_tasks WHERE photo_set_id = $1',
        [id],
      );
      return tasks.length > 0;
    }, 30_000);
    const replaced = await upload(
      study.coordinator.client,
      study.studyId,
      { subjectCode: 'S-READ', visit: 'baseline', replace: 'true' },
      await fourViews(200),
    );
    expect(replaced.status).toBe(409);
    expect(replaced.body.message).toMatch(/Reading of this photo set has started/);
  });

  it('serves 304 for a matching ETag', async () => {
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-ETAG', visit: 'baseline' },
      await fourViews(),
    );
    const id = (response.body as { id: string }).id;
    await waitForSet(t, id);
    const first = await setup.coordinator.client.get(`/photo-sets/${id}/images/left?size=thumb`);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toMatch(/private/);
    const second = await setup.coordinator.client
      .get(`/photo-sets/${id}/images/left?size=thumb`)
      .set('If-None-Match', first.headers.etag);
    expect(second.status).toBe(304);
    expect((await setup.coordinator.client.get(`/photo-sets/${id}/images/front`)).status).toBe(404);
  });

  it('is unblinded staff only: raters, non-members and other studies get 404', async () => {
    const response = await upload(
      setup.coordinator.client,
      setup.studyId,
      { subjectCode: 'S-ACL', visit: 'baseline' },
      await fourViews(),
    );
    const id = (response.body as { id: string }).id;
    await waitForSet(t, id);
    const rater = await make.rater();
    await setup.admin.put(`/studies/${setup.studyId}/members/${rater.user.id}`, {
      roles: ['rater'],
    });
    expect((await rater.client.get(`/photo-sets/${id}`)).status).toBe(404);
    expect((await rater.client.get(`/photo-sets/${id}/images/top`)).status).toBe(404);

    const outsider = await make.coordinator();
    expect((await outsider.client.get(`/photo-sets/${id}`)).status).toBe(404);
    expect((await outsider.client.get(`/photo-sets/${id}/images/top`)).status).toBe(404);
    expect((await outsider.client.get(`/studies/${setup.studyId}/photo-sets`)).status).toBe(404);
    const denied = await upload(
      outsider.client,
      setup.studyId,
      { subjectCode: 'S-NO', visit: 'baseline' },
      await fourViews(),
    );
    expect(denied.status).toBe(404);

    const auditor = await make.auditor();
    await setup.admin.put(`/studies/${setup.studyId}/members/${auditor.user.id}`, {
      roles: ['auditor'],
    });
    expect((await auditor.client.get(`/photo-sets/${id}`)).status).toBe(200);
    expect((await setup.admin.get(`/photo-sets/${id}`)).status).toBe(200);
  });

  it('lists sets with filters and keyset paging', async () => {
    const other = await studyWithCoordinator(make);
    const ids: string[] = [];
    for (const visit of ['v1', 'v2', 'v3']) {
      const response = await upload(
        other.coordinator.client,
        other.studyId,
        { subjectCode: 'S-LIST', visit },
        await fourViews(),
      );
      ids.push((response.body as { id: string }).id);
    }
    await upload(
      other.coordinator.client,
      other.studyId,
      { subjectCode: 'S-OTHER', visit: 'v1' },
      await fourViews(),
    );
    for (const id of ids) await waitForSet(t, id);

    const page1 = await other.coordinator.client.get(
      `/studies/${other.studyId}/photo-sets?subjectCode=S-LIST&limit=2`,
    );
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await other.coordinator.client.get(
      `/studies/${other.studyId}/photo-sets?subjectCode=S-LIST&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const seen = [...page1.body.items, ...page2.body.items].map((s: { id: string }) => s.id);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(page1.body.items[0]).toMatchObject({
      subjectCode: 'S-LIST',
      views: expect.any(Array),
      rejectionReasons: [],
    });

    const ready = await other.coordinator.client.get(
      `/studies/${other.studyId}/photo-sets?status=ready&subjectCode=S-LIST`,
    );
    const readyItems = ready.body.items as { status: string }[];
    expect(readyItems.every((item) => item.status === 'ready')).toBe(true);
    const bad = await other.coordinator.client.get(
      `/studies/${other.studyId}/photo-sets?status=bogus`,
    );
    expect(bad.status).toBe(400);

    const detail = await other.coordinator.client.get(`/studies/${other.studyId}`);
    const counts = detail.body.statusCounts as Record<string, number>;
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(4);
    expect(counts.rejected).toBe(0);
  });
});
