/**
 * Where the integration tests find Postgres and Redis. The tests only ever create and drop
 * databases named salt_test_*, and use their own queue prefix, so a developer's data is safe.
 */
export const TEST_ADMIN_DATABASE_URL =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(database: string): string {
  const url = new URL(TEST_ADMIN_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export function adminDatabaseUrl(): string {
  return databaseUrl('postgres');
}
