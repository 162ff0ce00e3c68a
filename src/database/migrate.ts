import { DataSource } from 'typeorm';

// Any constant shared by every salt-reader process: it makes concurrent start-ups take turns.
const MIGRATION_LOCK_KEY = 0x5a17_0001;

/**
 * Runs pending migrations while holding a Postgres advisory lock, so several api and worker
 * processes starting at once never race to apply the same migration.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => []);
    await lockRunner.release();
  }
}
