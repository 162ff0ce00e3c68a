import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { adminDatabaseUrl } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.SALT_TEST_RUN;
  if (!runId) return;
  // The run's shared server build (see buildServer in processes.ts).
  const build = join(__dirname, '..', '..', 'tmp', `build-${runId}`);
  rmSync(build, { recursive: true, force: true });
  rmSync(`${build}.lock`, { recursive: true, force: true });
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1`,
      [`salt\\_test\\_${runId}\\_%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
