import sharp from 'sharp';
import { VIEWS } from '../../src/photo-sets/photo-set.entity';
import { Make, studyWithCoordinator } from '../support/factories';
import { makeZip } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

interface ImportStatus {
  status: string;
  errors: { row: number; reason: string }[];
}

/**
 * A manifest cell holding a NUL byte is quoted in the rejection's reasons. Postgres refuses
 * U+0000 in jsonb, so before the reasons were made printable the rejection could never commit:
 * the import stayed `validating` and was retried forever.
 */
describe('a ZIP import whose manifest holds control characters', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is rejected promptly, naming the cells with the characters escaped', async () => {
    const setup = await studyWithCoordinator(new Make(t));
    const image = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 80, b: 60 } },
    })
      .jpeg()
      .toBuffer();
    const rows = VIEWS.map((view) => `S\u00001,base\u0001line,,${view},${view}.jpg`);
    const zip = await makeZip([
      {
        name: 'manifest.csv',
        data: Buffer.from(['subject_code,visit,visit_date,view,file', ...rows].join('\n') + '\n'),
      },
      ...VIEWS.map((view) => ({ name: `${view}.jpg`, data: image })),
    ]);
    const response = await setup.coordinator.client
      .post(`/studies/${setup.studyId}/imports`)
      .attach('archive', zip, 'sets.zip')
      .expect(202);
    const id = (response.body as { id: string }).id;

    let result: ImportStatus | undefined;
    await waitFor(async () => {
      result = (await setup.coordinator.client.get(`/imports/${id}`)).body as ImportStatus;
      return result.status !== 'validating';
    }, 20_000);
    expect(result?.status).toBe('rejected');
    const reasons = result!.errors.map((error) => error.reason);
    expect(reasons).toContain('subject_code "S\\u00001" is not valid (letters, digits, . _ -)');
    expect(reasons.some((reason) => reason.includes('base\\u0001line'))).toBe(true);
  });
});
