import { dirname } from 'node:path';
import {
  buildServer,
  freePort,
  spawnNode,
  Spawned,
  startThrowawayRedis,
  waitFor,
} from '../support/processes';
import { Client } from 'pg';
import { cloneTestDatabase } from '../support/test-app';
import { adminDatabaseUrl, databaseUrl, TEST_REDIS_URL } from '../support/test-env';

async function health(port: number): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    return { status: response.status, body: await response.json() };
  } catch {
    return null;
  }
}

describe('the built server as a process', () => {
  let mainJs: string;
  let database: string;
  const running: Spawned[] = [];

  beforeAll(async () => {
    mainJs = buildServer();
    database = await cloneTestDatabase();
  }, 120_000);

  afterAll(async () => {
    for (const spawned of running) spawned.child.kill('SIGKILL');
    await Promise.all(running.map((spawned) => spawned.exited));
  });

  function baseEnv(port: number, redisUrl = TEST_REDIS_URL): Record<string, string> {
    return {
      DATABASE_URL: databaseUrl(database),
      REDIS_URL: redisUrl,
      PORT: String(port),
      QUEUE_PREFIX: `salt-proc-${port}`,
      STORAGE_DIR: `${dirname(mainJs)}/photos`,
      SALT_ADMIN_EMAIL: 'admin@salt.test',
      SALT_ADMIN_PASSWORD: 'admin-password-123',
      LOG_LEVEL: 'warn',
    };
  }

  it('stops with one clear line when DATABASE_URL is missing', async () => {
    const env = baseEnv(await freePort());
    delete (env as Partial<typeof env>).DATABASE_URL;
    const started = spawnNode(mainJs, env);
    expect(await started.exited).toBe(1);
    expect(started.output().trim()).toBe(
      'salt-reader: configuration error: DATABASE_URL: is required but not set',
    );
  });

  it('serves health 200 after start, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const server = spawnNode(mainJs, baseEnv(port));
    running.push(server);
    await waitFor(async () => (await health(port))?.status === 200, 30_000);
    expect((await health(port))?.body).toEqual({ status: 'ok', db: 'up', redis: 'up' });
    server.child.kill('SIGTERM');
    // Nest closes workers and pools, then re-raises the signal so the exit status is honest.
    const code = await server.exited;
    expect(code === 0 || server.signal() === 'SIGTERM').toBe(true);
    expect(server.output()).not.toMatch(/"level":50|Error/);
  }, 60_000);

  it('answers 503 while Redis is down', async () => {
    const redis = await startThrowawayRedis();
    const port = await freePort();
    const server = spawnNode(mainJs, baseEnv(port, redis.url));
    running.push(server);
    await waitFor(async () => (await health(port))?.status === 200, 30_000);
    await redis.stop();
    await waitFor(async () => (await health(port))?.status === 503, 10_000);
    expect((await health(port))?.body).toEqual({ status: 'error', db: 'up', redis: 'down' });
    server.child.kill('SIGKILL');
  }, 60_000);

  it('lets two api processes and a worker start together on an empty database', async () => {
    // An empty database (not the migrated template): all three race to migrate and bootstrap.
    const empty = `salt_test_${process.env.SALT_TEST_RUN}_empty`;
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${empty}"`);
    const [portA, portB] = [await freePort(), await freePort()];
    const env = (port: number, role: string) => ({
      ...baseEnv(port),
      DATABASE_URL: databaseUrl(empty),
      QUEUE_PREFIX: `salt-proc-multi-${portA}`,
      SALT_ROLE: role,
    });
    const processes = [
      spawnNode(mainJs, env(portA, 'api')),
      spawnNode(mainJs, env(portB, 'api')),
      spawnNode(mainJs, env(await freePort(), 'worker')),
    ];
    running.push(...processes);
    try {
      await waitFor(async () => (await health(portA))?.status === 200, 45_000);
      await waitFor(async () => (await health(portB))?.status === 200, 45_000);
      const worker = processes[2];
      if (worker.child.exitCode !== null) throw new Error(worker.output());
      expect(worker.child.exitCode).toBeNull();
      expect(worker.output()).not.toMatch(/"level":50/);
      const db = new Client({ connectionString: databaseUrl(empty) });
      await db.connect();
      const admins = await db.query(`SELECT email FROM users WHERE 'admin' = ANY(roles)`);
      const migrations = await db.query(`SELECT name FROM schema_migrations`);
      await db.end();
      expect(admins.rows).toEqual([{ email: 'admin@salt.test' }]);
      expect(new Set(migrations.rows.map((row: { name: string }) => row.name)).size).toBe(
        migrations.rows.length,
      );
    } finally {
      for (const spawned of processes) spawned.child.kill('SIGKILL');
      await Promise.all(processes.map((spawned) => spawned.exited));
      await admin.query(`DROP DATABASE IF EXISTS "${empty}" WITH (FORCE)`);
      await admin.end();
    }
  }, 90_000);
});
