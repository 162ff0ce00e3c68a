import request from 'supertest';
import { API, ApiClient, Make, studyWithCoordinator } from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { cloneTestDatabase, startTestApp, TestApp } from '../support/test-app';
import { databaseUrl } from '../support/test-env';
import { FreezableRelay, startFreezableRelay } from './freezable-relay';
import { RestartableRedis, startRestartableRedis } from './restartable-redis';

/**
 * With the default limits (5 s statement timeout, the client a second longer; 2 s per Redis
 * command) a frozen connection must end in a 503 well inside this, never hang.
 */
const ANSWER_WITHIN_MS = 10_000;
/** Stops a request that hangs (the defect) so the test fails on it instead of timing out. */
const GIVE_UP_MS = 20_000;

async function timed(test: request.Test): Promise<{ response: request.Response; ms: number }> {
  const started = performance.now();
  const response = await test.timeout(GIVE_UP_MS);
  return { response, ms: performance.now() - started };
}

function expectPrompt503(result: { response: request.Response; ms: number }): void {
  expect(result.response.status).toBe(503);
  expect(result.response.body).toEqual({
    statusCode: 503,
    error: 'Service Unavailable',
    message: expect.any(String) as string,
    requestId: expect.any(String) as string,
  });
  expect(result.ms).toBeLessThan(ANSWER_WITHIN_MS);
}

describe('frozen network: a blackholed connection ends in a 503, then the service recovers', () => {
  it('Postgres behind a frozen relay: requests get 503 within seconds; after the thaw they succeed again', async () => {
    const relay = await startFreezableRelay(Number(new URL(databaseUrl('x')).port || 5432));
    const url = new URL(databaseUrl(await cloneTestDatabase()));
    url.port = String(relay.port);
    const t = await startTestApp({ env: { DATABASE_URL: url.toString() } });
    try {
      const admin = await new Make(t).admin();
      expect((await admin.get('/studies')).status).toBe(200);

      relay.freeze();
      // In parallel: more requests than idle pooled connections, so some need a new connection
      // (connect timeout) and some reuse a pooled one that now never answers (read timeout).
      const results = await Promise.all([
        ...Array.from({ length: 6 }, () => timed(admin.get('/studies'))),
        timed(admin.post('/studies', { code: 'FROZEN-1', title: 'Written while frozen' })),
        timed(t.http().post(`${API}/auth/login`).send({ email: 'x@salt.test', password: 'p' })),
      ]);
      for (const result of results) expectPrompt503(result);
      const health = await timed(t.http().get(`${API}/health`));
      expect(health.response.status).toBe(503);
      expect(health.response.body).toMatchObject({ db: 'down', redis: 'up' });
      expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);

      relay.thaw();
      await waitFor(
        async () => (await admin.get('/studies').timeout(GIVE_UP_MS)).status === 200,
        15_000,
      );
      const created = await admin.post('/studies', { code: 'THAWED-1', title: 'After the thaw' });
      expect(created.status).toBe(201);
      expect((await t.http().get(`${API}/health`)).status).toBe(200);
      // The create that got a 503 while frozen left nothing behind once the network healed.
      const codes = ((await admin.get('/studies')).body as { code: string }[]).map((s) => s.code);
      expect(codes).toContain('THAWED-1');
      expect(codes).not.toContain('FROZEN-1');
    } finally {
      relay.thaw();
      await t.close();
      await relay.close();
    }
  }, 90_000);

  it('a transaction cut off by a frozen network is rolled back, never committed by the next borrower of its connection', async () => {
    const relay = await startFreezableRelay(Number(new URL(databaseUrl('x')).port || 5432));
    const url = new URL(databaseUrl(await cloneTestDatabase()));
    url.port = String(relay.port);
    const t = await startTestApp({
      env: { DATABASE_URL: url.toString(), DB_STATEMENT_TIMEOUT_MS: '1000' },
    });
    try {
      await t.db.query('CREATE TABLE frozen_probe (id int)');
      const cutOff = t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO frozen_probe VALUES (1)');
        relay.freeze();
        await tx.query('SELECT 1');
      });
      await expect(cutOff).rejects.toThrow('Query read timeout');
      relay.thaw();
      // Every pooled connection gets a turn: none may carry the cut-off transaction along.
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          t.db.transaction((tx) => tx.query('INSERT INTO frozen_probe VALUES ($1)', [10 + i])),
        ),
      );
      const rows: { id: number }[] = await t.db.query('SELECT id FROM frozen_probe ORDER BY id');
      expect(rows.map((row) => row.id)).toEqual([10, 11, 12, 13, 14]);
    } finally {
      relay.thaw();
      await t.close();
      await relay.close();
    }
  }, 60_000);

  it('Redis behind a frozen relay: sign-in and health answer 503 promptly, uploads 202; all recovers after the thaw', async () => {
    let redis: RestartableRedis | undefined;
    let relay: FreezableRelay | undefined;
    let t: TestApp | undefined;
    try {
      redis = await startRestartableRedis();
      relay = await startFreezableRelay(redis.port);
      t = await startTestApp({
        env: { REDIS_URL: `redis://127.0.0.1:${relay.port}`, RECONCILE_EVERY_MS: '1000' },
      });
      const make = new Make(t);
      const setup = await studyWithCoordinator(make);
      const rater = await make.rater();
      const views = await fourViews();
      const signIn = (): request.Test =>
        t!
          .http()
          .post(`${API}/auth/login`)
          .send({ email: rater.user.email, password: rater.password });

      relay.freeze();
      expectPrompt503(await timed(signIn()));
      const health = await timed(t.http().get(`${API}/health`));
      expect(health.response.status).toBe(503);
      expect(health.response.body).toMatchObject({ db: 'up', redis: 'down' });
      expect(health.ms).toBeLessThan(ANSWER_WITHIN_MS);
      // Postgres-only work goes on; the upload's enqueue waits in the background.
      const uploaded = await timed(
        upload(
          setup.coordinator.client,
          setup.studyId,
          { subjectCode: 'FZ-1', visit: 'v1' },
          views,
        ),
      );
      expect(uploaded.response.status).toBe(202);
      expect(uploaded.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect((await setup.coordinator.client.get(`/studies/${setup.studyId}`)).status).toBe(200);

      relay.thaw();
      await waitFor(async () => (await signIn().timeout(GIVE_UP_MS)).status === 200, 15_000);
      const setId = (uploaded.response.body as { id: string }).id;
      const coordinator: ApiClient = setup.coordinator.client;
      await waitFor(
        async () =>
          ((await coordinator.get(`/photo-sets/${setId}`)).body as { status: string }).status ===
          'awaiting-raters',
        30_000,
        200,
      );
      expect((await t.http().get(`${API}/health`)).status).toBe(200);
    } finally {
      relay?.thaw();
      await t?.close();
      await relay?.close();
      await redis?.stop();
    }
  }, 90_000);
});
