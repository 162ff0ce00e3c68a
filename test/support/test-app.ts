import { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createHttpApp, openApiDocument } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { contractChecked, OpenApiContract, OpenApiDocumentLike } from './openapi-contract';
import { adminDatabaseUrl, databaseUrl, TEST_REDIS_URL } from './test-env';

export const ADMIN_EMAIL = 'admin@salt.test';
export const ADMIN_PASSWORD = 'admin-password-123';

/** A fresh database cloned from the run's migrated template (retrying while it is busy). */
export async function cloneTestDatabase(): Promise<string> {
  const template = process.env.SALT_TEST_TEMPLATE;
  const runId = process.env.SALT_TEST_RUN;
  if (!template || !runId) throw new Error('integration tests must run through jest globalSetup');
  const name = `salt_test_${runId}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return name;
      } catch (error) {
        // Two files cloning at once: "source database is being accessed by other users".
        if (attempt > 50 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: DataSource;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** Added to the test environment; a variable set to undefined is removed from it. */
  env?: Record<string, string | undefined>;
  /** Reuse an existing database instead of cloning a fresh one. */
  database?: string;
}

/** The document is the same for every app of a run; compiled schemas are kept across apps. */
let contract: OpenApiContract | undefined;

/** Boots the whole app (api and workers) on its own database, queue prefix and photo store. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await cloneTestDatabase());
  const storageDir = mkdtempSync(join(tmpdir(), 'salt-photos-'));
  const config = loadConfig({
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `salt-test-${process.env.SALT_TEST_RUN}-${randomBytes(4).toString('hex')}`,
    STORAGE_DIR: storageDir,
    SALT_ADMIN_EMAIL: ADMIN_EMAIL,
    SALT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SALT_MIGRATE: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WEB_DIR: join(storageDir, 'no-web'),
    ...options.env,
  });
  const app = await createHttpApp(config);
  await app.init();
  const server = app.getHttpServer() as Parameters<typeof request>[0];
  // Every response a test receives through http() is held to the app's OpenAPI document.
  contract ??= new OpenApiContract(openApiDocument(app) as unknown as OpenApiDocumentLike);
  const checked = contract;
  return {
    app,
    config,
    db: app.get(DataSource),
    http: () => contractChecked(request(server), checked),
    close: async () => {
      await app.close();
      await deleteQueueKeys(config);
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

async function deleteQueueKeys(config: AppConfig): Promise<void> {
  // A cluster belongs to its test, which stops it; REDIS_URL (the shared Redis) is not its own.
  if (config.redisCluster) return;
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${config.queuePrefix}:*`,
        'COUNT',
        500,
      );
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
