import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { adminDatabaseUrl, databaseUrl } from './test-env';

const STALE_AFTER_MS = 6 * 3600_000;

/** Creates this run's template database, migrated once; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  // The pid is decimal so 'x' only ever separates it: base-36 times contain 'x' themselves.
  const runId = `${Date.now().toString(36)}x${process.pid}`;
  const template = `salt_test_${runId}_tpl`;
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    // Databases left by crashed runs (their names start with the run's time) are dropped.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'salt\\_test\\_%'`,
    );
    for (const { datname } of rows) {
      const run = datname.split('_')[2] ?? '';
      const startedMs = parseInt(run.slice(0, run.lastIndexOf('x')), 36);
      if (Number.isFinite(startedMs) && Date.now() - startedMs > STALE_AFTER_MS) {
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => null);
      }
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const dataSource = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(template) }));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env.SALT_TEST_RUN = runId;
  process.env.SALT_TEST_TEMPLATE = template;
}
