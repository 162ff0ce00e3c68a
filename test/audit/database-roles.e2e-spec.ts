import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuditAction } from '../../src/audit/audit-action';
import { Make } from '../support/factories';
import { cloneTestDatabase, startTestApp, TestApp } from '../support/test-app';
import { waitSealed } from './audit-support';
import { databaseUrl } from '../support/test-env';

/**
 * The set-up of docs/database-roles.md, on a fresh test database: the owner (here the test
 * superuser) holds the schema and runs migrations; the app connects as a role that may read and
 * append audit events and nothing more.
 */
const GRANTS = (database: string, role: string) => [
  `GRANT CONNECT ON DATABASE "${database}" TO ${role}`,
  `GRANT USAGE ON SCHEMA public TO ${role}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
  `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${role}`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON audit_leaves, audit_checkpoints, audit_chain_origin FROM ${role}`,
];

describe('the app running as a non-owner database role', () => {
  const role = `salt_app_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  let database: string;
  let owner: Client;
  let asApp: Client;
  let t: TestApp;

  function roleUrl(): string {
    const url = new URL(databaseUrl(database));
    url.username = role;
    url.password = password;
    return url.toString();
  }

  beforeAll(async () => {
    database = await cloneTestDatabase();
    owner = new Client({ connectionString: databaseUrl(database) });
    await owner.connect();
    await owner.query(
      `CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOCREATEDB NOCREATEROLE`,
    );
    for (const grant of GRANTS(database, role)) await owner.query(grant);
    t = await startTestApp({ database, env: { DATABASE_URL: roleUrl() } });
    asApp = new Client({ connectionString: roleUrl() });
    await asApp.connect();
  });

  afterAll(async () => {
    await asApp?.end();
    await t?.close();
    await owner.query(`DROP OWNED BY ${role}`);
    await owner.query(`DROP ROLE ${role}`);
    await owner.end();
  });

  it('serves requests and appends audit events as that role', async () => {
    const [{ user }]: { user: string }[] = await t.db.query('SELECT current_user AS user');
    expect(user).toBe(role);
    const make = new Make(t);
    const { client } = await make.auditor();
    await client.post('/auth/tokens', { name: 'as app role' }).expect(201);
    // The sealer, running as that role too, signs the log.
    await waitSealed(t.db);
    await client.get('/audit/checkpoints/latest').expect(200);
    const verdict = await client.get('/audit/verify').expect(200);
    expect(verdict.body).toMatchObject({ ok: true });
    const { rows: actions } = await owner.query<{ action: string }>(
      'SELECT action FROM audit_events ORDER BY seq',
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([AuditAction.UserCreated, AuditAction.TokenCreated]),
    );
  });

  it('cannot change or remove audit events, nor switch their triggers off', async () => {
    const refused = async (sql: string, message: RegExp) => {
      const error = (await asApp.query(sql).then(
        () => null,
        (e: unknown) => e,
      )) as { code?: string; message?: string } | null;
      expect(error).not.toBeNull();
      expect(error?.code).toBe('42501'); // insufficient_privilege
      expect(error?.message).toMatch(message);
    };
    await refused(`UPDATE audit_events SET reason = 'edited'`, /permission denied/);
    await refused('DELETE FROM audit_events', /permission denied/);
    await refused('TRUNCATE audit_events', /permission denied/);
    await refused('ALTER TABLE audit_events DISABLE TRIGGER USER', /must be owner/);
    await refused('ALTER TABLE audit_events DISABLE TRIGGER ALL', /must be owner/);
    await refused('DROP TRIGGER audit_events_no_update_delete ON audit_events', /must be owner/);
    // The signed log's leaves and checkpoints: appended by the sealer, never changed.
    for (const [table, column] of [
      ['audit_leaves', 'seq'],
      ['audit_checkpoints', 'tree_size'],
    ]) {
      await refused(`UPDATE ${table} SET ${column} = ${column}`, /permission denied/);
      await refused(`DELETE FROM ${table}`, /permission denied/);
      await refused(`TRUNCATE ${table}`, /permission denied/);
      await refused(`ALTER TABLE ${table} DISABLE TRIGGER USER`, /must be owner/);
    }
    // Replica mode would skip ordinary triggers; only superusers may set it.
    await refused('SET session_replication_role = replica', /permission denied/);

    const [{ count }]: { count: string }[] = (
      await asApp.query('SELECT count(*) FROM audit_events WHERE reason IS NOT NULL')
    ).rows;
    expect(count).toBe('0');
  });

  it('is stopped by the triggers too where it holds the privilege', async () => {
    // Even a role granted UPDATE/DELETE (a mistaken grant) meets the append-only triggers.
    await owner.query(`GRANT UPDATE, DELETE ON audit_events TO ${role}`);
    try {
      await expect(asApp.query(`UPDATE audit_events SET reason = 'edited'`)).rejects.toThrow(
        /append-only: UPDATE/,
      );
      await expect(asApp.query('DELETE FROM audit_events')).rejects.toThrow(/append-only: DELETE/);
    } finally {
      await owner.query(`REVOKE UPDATE, DELETE ON audit_events FROM ${role}`);
    }
  });
});
