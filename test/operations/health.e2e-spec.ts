import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { API } from '../support/factories';
import {
  buildServer,
  freePort,
  spawnNode,
  Spawned,
  startThrowawayRedis,
  waitFor,
} from '../support/processes';
import { cloneTestDatabase, startTestApp, TestApp } from '../support/test-app';
import { databaseUrl } from '../support/test-env';

const ROOT = join(__dirname, '..', '..');

/** The Dockerfile's HEALTHCHECK command, as Docker runs it (`sh -c`). */
function dockerHealthcheck(): string {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
  const line = dockerfile.split('\n').find((text) => text.startsWith('HEALTHCHECK'));
  if (!line) throw new Error('the Dockerfile has no HEALTHCHECK');
  return line.replace(/^HEALTHCHECK\s+(--\S+\s+)*CMD\s+/, '');
}

function runHealthcheck(env: Record<string, string>): number | null {
  return spawnSync('sh', ['-c', dockerHealthcheck()], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 10_000,
  }).status;
}

async function probe(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${API}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('health probes of an api process', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness without asking anything, readiness naming each dependency', async () => {
    const live = await t.http().get(`${API}/health/live`).expect(200);
    expect(live.body).toEqual({ status: 'ok' });
    expect(live.headers['cache-control']).toBe('no-store');
    const ready = await t.http().get(`${API}/health/ready`).expect(200);
    expect(ready.body).toEqual({ status: 'ok', db: 'up', redis: 'up', storage: 'up' });
    expect(ready.headers['cache-control']).toBe('no-store');
    // The original probe is unchanged for whatever already uses it.
    const legacy = await t.http().get(`${API}/health`).expect(200);
    expect(legacy.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
  });
});

describe('an unreachable photo store', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    // The photo directory is a file: neither readable as a store nor creatable.
    dir = mkdtempSync(join(tmpdir(), 'salt-health-'));
    writeFileSync(join(dir, 'not-a-directory'), '');
    t = await startTestApp({ env: { STORAGE_DIR: join(dir, 'not-a-directory') } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the process not ready (503, storage down) but still alive', async () => {
    const ready = await t.http().get(`${API}/health/ready`).expect(503);
    expect(ready.body).toEqual({ status: 'error', db: 'up', redis: 'up', storage: 'down' });
    // Which dependency, never why: no path, host or message in the answer.
    expect(JSON.stringify(ready.body)).not.toMatch(/not-a-directory|EEXIST|ENOTDIR|\//);
    await t.http().get(`${API}/health/live`).expect(200);
  });
});

describe('health of real processes, as the image probes them', () => {
  let mainJs: string;
  let database: string;
  const running: Spawned[] = [];

  beforeAll(async () => {
    mainJs = buildServer();
    database = await cloneTestDatabase();
  }, 180_000);

  afterAll(async () => {
    for (const spawned of running) spawned.child.kill('SIGKILL');
    await Promise.all(running.map((spawned) => spawned.exited));
  });

  function env(redisUrl: string, prefix: string): Record<string, string> {
    return {
      DATABASE_URL: databaseUrl(database),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      STORAGE_DIR: `${dirname(mainJs)}/photos-health`,
      SALT_MIGRATE: 'false',
      LOG_LEVEL: 'warn',
    };
  }

  it('a worker-only process answers live and ready on WORKER_HEALTH_PORT, and says when Redis is gone', async () => {
    const redis = await startThrowawayRedis();
    const port = await freePort();
    const workerEnv = {
      ...env(redis.url, `salt-health-${port}`),
      SALT_ROLE: 'worker',
      WORKER_HEALTH_PORT: String(port),
    };
    const worker = spawnNode(mainJs, workerEnv);
    running.push(worker);
    try {
      await waitFor(
        async () => (await probe(port, '/health/ready').catch(() => null)) !== null,
        45_000,
      );
      expect(await probe(port, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await probe(port, '/health/ready')).toEqual({
        status: 200,
        body: { status: 'ok', db: 'up', redis: 'up', storage: 'up' },
      });
      // Only the probes: nothing of the API is served on this port.
      expect((await probe(port, '/users')).status).toBe(404);
      expect(runHealthcheck(workerEnv)).toBe(0);

      await redis.stop();
      await waitFor(async () => (await probe(port, '/health/ready')).status === 503, 15_000);
      expect((await probe(port, '/health/ready')).body).toEqual({
        status: 'error',
        db: 'up',
        redis: 'down',
        storage: 'up',
      });
      // Alive all the same: restarting the worker would not bring Redis back.
      expect((await probe(port, '/health/live')).status).toBe(200);
      expect(runHealthcheck(workerEnv)).toBe(1);
    } finally {
      await redis.stop();
    }
  }, 120_000);

  it("an api process passes the Dockerfile's HEALTHCHECK on PORT", async () => {
    const port = await freePort();
    const apiEnv = { ...env('redis://127.0.0.1:6379', `salt-health-${port}`), PORT: String(port) };
    const api = spawnNode(mainJs, { ...apiEnv, SALT_ROLE: 'api' });
    running.push(api);
    await waitFor(
      async () => (await probe(port, '/health/live').catch(() => null)) !== null,
      45_000,
    );
    expect(runHealthcheck({ ...apiEnv, SALT_ROLE: 'api' })).toBe(0);
    expect(runHealthcheck({ ...apiEnv, PORT: String(await freePort()) })).toBe(1);
    api.child.kill('SIGTERM');
    await api.exited;
  }, 120_000);
});
