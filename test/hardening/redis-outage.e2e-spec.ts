import sharp from 'sharp';
import { VIEWS } from '../../src/photo-sets/photo-set.entity';
import { API, Make, studyWithCoordinator, StudySetup } from '../support/factories';
import { fourViews, makeZip, upload, ZipEntry } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { RestartableRedis, startRestartableRedis } from './restartable-redis';

/** Generous: Redis being down must cost a request nothing like the outage it overlaps. */
const PROMPT_MS = 3000;
const GIVE_UP_MS = 15_000;

async function timed<T>(work: () => PromiseLike<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function importZip(prefix: string): Promise<Buffer> {
  const rows = ['subject_code,visit,visit_date,view,file'];
  const entries: ZipEntry[] = [];
  for (const view of VIEWS) {
    const file = `images/${prefix}-${view}.jpg`;
    rows.push(`${prefix},baseline,2024-02-01,${view},${file}`);
    const bytes = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 80, b: 60 } },
    })
      .jpeg()
      .toBuffer();
    entries.push({ name: file, data: bytes, compress: false });
  }
  entries.push({ name: 'manifest.csv', data: Buffer.from(rows.join('\n') + '\n') });
  return makeZip(entries);
}

async function statusOf(t: TestApp, sql: string, params: unknown[]): Promise<string | undefined> {
  const rows: { status: string }[] = await t.db.query(sql, params);
  return rows[0]?.status;
}

describe('Redis down: Postgres is the truth, requests do not wait for Redis', () => {
  let redis: RestartableRedis;
  let t: TestApp;
  let setup: StudySetup;
  let make: Make;

  beforeAll(async () => {
    redis = await startRestartableRedis();
    t = await startTestApp({ env: { REDIS_URL: redis.url, RECONCILE_EVERY_MS: '1000' } });
    make = new Make(t);
    setup = await studyWithCoordinator(make);
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined);
    await t.close();
    await redis.stop();
  });

  it('upload and ZIP import answer 202 at once while Redis is dead, and finish once it is back empty', async () => {
    const views = await fourViews();
    const zip = await importZip('RO-ZIP');
    const rater = await make.rater();
    await redis.kill();

    const uploaded = await timed(() =>
      // The timeout stops a hanging request (the defect) so it fails here, not at the test limit.
      upload(
        setup.coordinator.client,
        setup.studyId,
        { subjectCode: 'RO-1', visit: 'v1' },
        views,
      ).timeout(GIVE_UP_MS),
    );
    expect(uploaded.value.status).toBe(202);
    expect(uploaded.ms).toBeLessThan(PROMPT_MS);
    const setId = (uploaded.value.body as { id: string }).id;

    const imported = await timed(() =>
      setup.coordinator.client
        .post(`/studies/${setup.studyId}/imports`)
        .attach('archive', zip, 'sets.zip')
        .timeout(GIVE_UP_MS),
    );
    expect(imported.value.status).toBe(202);
    expect(imported.ms).toBeLessThan(PROMPT_MS);
    const importId = (imported.value.body as { id: string }).id;

    // Non-essential paths degrade clearly and promptly: health says which dependency is down,
    // sign-in refuses (fails closed, see login-throttle.ts) instead of hanging.
    const health = await timed(() => t.http().get(`${API}/health`));
    expect(health.value.status).toBe(503);
    expect(health.value.body).toMatchObject({ status: 'error', db: 'up', redis: 'down' });
    expect(health.ms).toBeLessThan(PROMPT_MS);
    const signIn = await timed(() =>
      t
        .http()
        .post(`${API}/auth/login`)
        .send({ email: rater.user.email, password: rater.password }),
    );
    expect(signIn.value.status).toBe(503);
    expect(signIn.value.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(signIn.ms).toBeLessThan(PROMPT_MS);
    // Reading what Postgres holds does not need Redis at all.
    const listed = await setup.coordinator.client.get(`/studies/${setup.studyId}/photo-sets`);
    expect(listed.status).toBe(200);

    // A fresh Redis that never saw either job: the reconciler re-derives them from Postgres.
    await redis.start();
    await waitFor(
      async () =>
        (await statusOf(t, 'SELECT status FROM photo_sets WHERE id = $1', [setId])) ===
        'awaiting-raters',
      30_000,
      200,
    );
    await waitFor(
      async () =>
        (await statusOf(t, 'SELECT status FROM imports WHERE id = $1', [importId])) === 'completed',
      30_000,
      200,
    );
    // A completed import has created its set; ingesting and assigning it happen after that.
    const importedSets = async (): Promise<{ status: string }[]> =>
      t.db.query('SELECT status FROM photo_sets WHERE import_id = $1', [importId]);
    await waitFor(async () => (await importedSets())[0]?.status === 'awaiting-raters', 30_000, 200);
    expect(await importedSets()).toEqual([{ status: 'awaiting-raters' }]);
    expect((await t.http().get(`${API}/health`)).status).toBe(200);
  }, 90_000);
});
