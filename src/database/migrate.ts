import { DataSource } from 'typeorm';

// Any constant shared by every salt-reader process: it makes concurrent start-ups take turns.
const MIGRATION_LOCK_KEY = 0x5a17_0001;

/**
 * What the app role may do after every migration (docs/database-roles.md): read and write the
 * feature tables, but only read and append audit events. The REVOKE must follow the blanket
 * GRANT. Every statement is idempotent, so running them after each migration is safe.
 */
export function appRoleGrants(role: string): string[] {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`not a role name: ${role}`);
  return [
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${role}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON audit_leaves, audit_checkpoints, audit_chain_origin FROM ${role}`,
  ];
}

/**
 * Runs pending migrations while holding a Postgres advisory lock, so several api and worker
 * processes starting at once never race to apply the same migration. With `appRole`, the
 * migrating owner then grants that role the app's privileges on the tables it just made.
 */
export async function runMigrations(
  dataSource: DataSource,
  options: { appRole?: string } = {},
): Promise<string[]> {
  const grants = options.appRole ? appRoleGrants(options.appRole) : [];
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const statement of grants) await lockRunner.query(statement);
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => []);
    await lockRunner.release();
  }
}
