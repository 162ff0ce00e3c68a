import sharp from 'sharp';
import { VIEWS } from '../../src/photo-sets/photo-set.entity';
import { ApiClient, Make, studyWithCoordinator, StudySetup } from '../support/factories';
import { makeZip, ZipEntry } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { storedFiles } from './photo-helpers';
import { markEncrypted, renameEntry } from './zip-helpers';

interface ImportStatus {
  id: string;
  status: string;
  total: number;
  processed: number;
  errors: { row: number; reason: string }[];
}

const HEADER = 'subject_code,visit,visit_date,view,file';

function smallJpeg(shade: number): Promise<Buffer> {
  return sharp({
    create: { width: 320, height: 240, channels: 3, background: { r: shade % 256, g: 80, b: 60 } },
  })
    .jpeg()
    .toBuffer();
}

/** Manifest rows and image entries for `count` complete sets. */
async function setsFor(
  count: number,
  prefix: string,
): Promise<{ rows: string[]; entries: ZipEntry[] }> {
  const rows: string[] = [];
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    for (const view of VIEWS) {
      const file = `images/${prefix}${i}-${view}.jpg`;
      rows.push(
        `${prefix}${i},baseline,2024-01-${String((i % 28) + 1).padStart(2, '0')},${view},${file}`,
      );
      entries.push({
        name: file,
        data: await smallJpeg(i * 4 + VIEWS.indexOf(view)),
        compress: false,
      });
    }
  }
  return { rows, entries };
}

function manifest(rows: string[]): ZipEntry {
  return { name: 'manifest.csv', data: Buffer.from([HEADER, ...rows].join('\n') + '\n') };
}

function postImport(
  client: ApiClient,
  studyId: string,
  zip: Buffer,
): ReturnType<ApiClient['post']> {
  return client.post(`/studies/${studyId}/imports`).attach('archive', zip, 'sets.zip');
}

describe('bulk import', () => {
  let t: TestApp;
  let make: Make;
  let setup: StudySetup;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    setup = await studyWithCoordinator(make);
  });
  afterAll(() => t.close());

  async function finished(id: string, client = setup.coordinator.client): Promise<ImportStatus> {
    let body: ImportStatus | undefined;
    await waitFor(async () => {
      body = (await client.get(`/imports/${id}`)).body as ImportStatus;
      return ['completed', 'rejected', 'failed'].includes(body.status);
    }, 60_000);
    return body as ImportStatus;
  }

  async function countRows(studyId: string): Promise<{ sets: number; subjects: number }> {
    const [row]: { sets: number; subjects: number }[] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM photo_sets WHERE study_id = $1) AS sets,
              (SELECT count(*)::int FROM subjects WHERE study_id = $1) AS subjects`,
      [studyId],
    );
    return row;
  }

  it('imports 50 sets, with progress visible while it runs', async () => {
    const { rows, entries } = await setsFor(50, 'B');
    const zip = await makeZip([manifest(rows), ...entries]);
    const response = await postImport(setup.coordinator.client, setup.studyId, zip);
    expect(response.status).toBe(202);
    const id = (response.body as { id: string }).id;

    const seen: ImportStatus[] = [];
    await waitFor(
      async () => {
        const body = (await setup.coordinator.client.get(`/imports/${id}`)).body as ImportStatus;
        seen.push(body);
        return body.status !== 'validating' && body.status !== 'importing';
      },
      120_000,
      20,
    );
    const last = seen[seen.length - 1];
    expect(last).toEqual({ id, status: 'completed', total: 50, processed: 50, errors: [] });
    const during = seen.filter((s) => s.status === 'importing');
    expect(during.length).toBeGreaterThan(0);
    expect(during.some((s) => s.processed > 0 && s.processed < 50)).toBe(true);
    const processed = seen.map((s) => s.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));

    expect(await countRows(setup.studyId)).toEqual({ sets: 50, subjects: 50 });
    const statuses: { status: string; n: number }[] = await t.db.query(
      `SELECT status, count(*)::int AS n FROM photo_sets WHERE import_id = $1 GROUP BY status`,
      [id],
    );
    expect(statuses.some((s) => s.status === 'processing' || s.status === 'rejected')).toBe(false);
    const list = await setup.coordinator.client.get(
      `/studies/${setup.studyId}/photo-sets?subjectCode=B7`,
    );
    expect(list.body.items[0]).toMatchObject({
      subjectCode: 'B7',
      visit: 'baseline',
      visitDate: '2024-01-08',
    });
    // The archive itself is not kept once its originals are stored.
    expect(storedFiles(t.config.storageDir, 'imports')).toEqual([]);
  }, 180_000);

  it('rejects a manifest with 3 distinct errors, listing all 3, leaving no rows or files', async () => {
    const study = await studyWithCoordinator(make);
    const { rows, entries } = await setsFor(3, 'E');
    rows[1] = rows[1].replace('2024-01-01', '2024-13-01'); // bad date, row 3
    rows[6] = rows[6].replace('images/E1-left.jpg', 'images/nowhere.jpg'); // missing file, row 8
    const unlisted = entries.find((e) => e.name === 'images/E1-left.jpg');
    const zip = await makeZip([manifest(rows), ...entries]); // E1-left.jpg is now unlisted
    expect(unlisted).toBeDefined();
    const response = await postImport(study.coordinator.client, study.studyId, zip);
    expect(response.status).toBe(202);
    const result = await finished((response.body as { id: string }).id, study.coordinator.client);
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([
      { row: 0, reason: 'images/E1-left.jpg is in the archive but not in manifest.csv' },
      { row: 3, reason: 'visit_date "2024-13-01" is not a real date written YYYY-MM-DD' },
      { row: 8, reason: 'file images/nowhere.jpg is not in the archive' },
    ]);
    expect(await countRows(study.studyId)).toEqual({ sets: 0, subjects: 0 });
    expect(storedFiles(t.config.storageDir, 'imports')).toEqual([]);
    const originals: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM photo_images i JOIN photo_sets s ON s.id = i.photo_set_id
        WHERE s.study_id = $1`,
      [study.studyId],
    );
    expect(originals[0].n).toBe(0);
  });

  it('rejects a ZIP holding ../evil.jpg', async () => {
    const study = await studyWithCoordinator(make);
    const { rows, entries } = await setsFor(1, 'Z');
    const zip = renameEntry(
      await makeZip([
        manifest(rows),
        ...entries,
        { name: 'xx/evil.jpg', data: await smallJpeg(1) },
      ]),
      'xx/evil.jpg',
      '../evil.jpg',
    );
    const response = await postImport(study.coordinator.client, study.studyId, zip);
    const result = await finished((response.body as { id: string }).id, study.coordinator.client);
    expect(result.status).toBe('rejected');
    expect(result.errors).toContainEqual({
      row: 0,
      reason: '../evil.jpg: the path climbs out of the archive (..)',
    });
    expect(await countRows(study.studyId)).toEqual({ sets: 0, subjects: 0 });
  });

  it('refuses absolute paths, symlinks, encrypted entries and ZIP bombs, listing each', async () => {
    const study = await studyWithCoordinator(make);
    const { rows, entries } = await setsFor(1, 'U');
    let zip = await makeZip([
      manifest(rows),
      ...entries,
      { name: 'xetc/passwd', data: Buffer.from('root') },
      { name: 'link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 },
      { name: 'secret.jpg', data: await smallJpeg(9) },
      { name: 'bomb.bin', data: Buffer.alloc(8 * 1024 * 1024, 0), compress: true },
    ]);
    zip = renameEntry(zip, 'xetc/passwd', '/etc/passwd');
    zip = markEncrypted(zip, 'secret.jpg');
    const response = await postImport(study.coordinator.client, study.studyId, zip);
    const result = await finished((response.body as { id: string }).id, study.coordinator.client);
    expect(result.status).toBe('rejected');
    const reasons = result.errors.map((e) => e.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        '/etc/passwd: the path is an absolute path',
        'link.jpg: symbolic links are not allowed',
        'secret.jpg: encrypted entries are not allowed',
        expect.stringMatching(/^bomb\.bin: expands \d+ times; refused as a possible ZIP bomb$/),
      ]),
    );
    expect(await countRows(study.studyId)).toEqual({ sets: 0, subjects: 0 });
  });

  it('rejects duplicates of existing sets, undecodable images and incomplete sets', async () => {
    const { rows, entries } = await setsFor(2, 'D');
    // D0 already exists from a first import.
    const first = await postImport(
      setup.coordinator.client,
      setup.studyId,
      await makeZip([manifest(rows.slice(0, 4)), ...entries.slice(0, 4)]),
    );
    expect((await finished((first.body as { id: string }).id)).status).toBe('completed');

    const text = entries[5];
    text.data = Buffer.from('not a photo at all\n'.repeat(5));
    const again = await postImport(
      setup.coordinator.client,
      setup.studyId,
      await makeZip([manifest(rows.slice(0, 7)), ...entries.slice(0, 7)]),
    );
    const result = await finished((again.body as { id: string }).id);
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([
      { row: 2, reason: 'subject D0 visit baseline already has a photo set in this study' },
      { row: 6, reason: 'subject D1 visit baseline lacks the right view' },
      {
        row: 7,
        reason: `${text.name}: not an image sharp can decode (text file)`,
      },
    ]);
  });

  it('answers 400 for an upload that is not a ZIP, and 404 to outsiders', async () => {
    const response = await setup.coordinator.client
      .post(`/studies/${setup.studyId}/imports`)
      .attach('archive', Buffer.from('hello'), 'x.zip');
    expect(response.status).toBe(400);
    const outsider = await make.coordinator();
    const zip = await makeZip([manifest([])]);
    expect((await postImport(outsider.client, setup.studyId, zip)).status).toBe(404);
    const mine = await postImport(setup.coordinator.client, setup.studyId, zip);
    expect((await outsider.client.get(`/imports/${(mine.body as { id: string }).id}`)).status).toBe(
      404,
    );
    const result = await finished((mine.body as { id: string }).id);
    expect(result.errors).toEqual([{ row: 1, reason: 'manifest.csv lists no images' }]);
  });
});
