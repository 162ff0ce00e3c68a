import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { cloneTestDatabase } from '../support/test-app';
import { databaseUrl } from '../support/test-env';

/**
 * Compose's migrate step (SALT_APP_DB_ROLE=salt_app) grants the app role its privileges right
 * after migrating, so the app can run as a role that owns nothing without a hand-run script.
 */
describe('migrations granting the app role', () => {
  const role = `salt_app_${randomBytes(5).toString('hex')}`;
  let database: string;
  let owner: Client;

  beforeAll(async () => {
    database = await cloneTestDatabase();
    owner = new Client({ connectionString: databaseUrl(database) });
    await owner.connect();
    await owner.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
  });

  afterAll(async () => {
    await owner.query(`DROP OWNED BY ${role}`);
    await owner.query(`DROP ROLE ${role}`);
    await owner.end();
  });

  async function may(table: string, privilege: string): Promise<boolean> {
    const { rows } = await owner.query<{ ok: boolean }>(
      'SELECT has_table_privilege($1, $2, $3) AS ok',
      [role, table, privilege],
    );
    return rows[0].ok;
  }

  it('lets the role read and write feature tables but only read and append audit events', async () => {
    expect(await may('photo_sets', 'SELECT')).toBe(false);

    const dataSource = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(database) }));
    await dataSource.initialize();
    try {
      await runMigrations(dataSource, { appRole: role });
    } finally {
      await dataSource.destroy();
    }

    for (const privilege of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) {
      expect(await may('photo_sets', privilege)).toBe(true);
      expect(await may('read_tasks', privilege)).toBe(true);
    }
    // The sealer appends leaves and checkpoints as the app role; nothing else changes them.
    for (const table of [
      'audit_events',
      'audit_leaves',
      'audit_checkpoints',
      'audit_chain_origin',
    ]) {
      expect(await may(table, 'SELECT')).toBe(true);
      expect(await may(table, 'INSERT')).toBe(true);
      for (const privilege of ['UPDATE', 'DELETE', 'TRUNCATE']) {
        expect(await may(table, privilege)).toBe(false);
      }
    }
  });

  it('refuses a role name that is not a plain identifier', async () => {
    const dataSource = new DataSource(dataSourceOptions({ databaseUrl: databaseUrl(database) }));
    await dataSource.initialize();
    try {
      await expect(runMigrations(dataSource, { appRole: 'x; DROP TABLE users' })).rejects.toThrow(
        /not a role name/,
      );
    } finally {
      await dataSource.destroy();
    }
  });
});
