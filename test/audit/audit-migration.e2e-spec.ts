import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditAction } from '../../src/audit/audit-action';
import { canonicalJson, eventHash, GENESIS_HASH, HashedEvent } from '../../src/audit/audit-hash';
import { AuditEventView } from '../../src/audit/audit.repository';
import { verifyInclusion } from '../../src/audit/merkle';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrate';
import { MIGRATIONS } from '../../src/database/migrations';
import { ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { adminDatabaseUrl, databaseUrl } from '../support/test-env';
import { asSuperuserWithoutTriggers, auditorClient, waitSealed } from './audit-support';

const LOG_MIGRATION = 1764152000000;
const timestampOf = (migration: (typeof MIGRATIONS)[number]): number =>
  Number(/(\d{13})$/.exec(new migration().name ?? '')?.[1]);

async function migrate(database: string, migrations: typeof MIGRATIONS): Promise<void> {
  const dataSource = new DataSource({
    ...dataSourceOptions({ databaseUrl: databaseUrl(database) }),
    migrations,
  });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Appends one event the way salt-reader did before the log: audit_append and its chain lock. */
async function appendChained(db: Client, i: number): Promise<void> {
  const event: Omit<HashedEvent, 'seq' | 'occurredAt'> = {
    actorId: null,
    actorName: i === 2 ? 'Ñame "quoted" 😀\n' : 'system',
    actorRole: 'system',
    action: AuditAction.ReadSubmitted,
    entityType: 'read-task',
    entityId: `old-${i}`,
    studyId: null,
    before: null,
    after: { n: i, nested: { b: 1, a: [true, null] } },
    reason: null,
    requestId: null,
    ip: null,
    userAgent: null,
  };
  const canonical = canonicalJson({ ...event, seq: '\u0000seq', occurredAt: '\u0000occurredAt' });
  await db.query('BEGIN');
  await db.query(`SELECT * FROM audit_append($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, [
    event.actorId,
    event.actorName,
    event.actorRole,
    event.action,
    event.entityType,
    event.entityId,
    event.studyId,
    null,
    JSON.stringify(event.after),
    null,
    null,
    null,
    null,
    canonical,
  ]);
  await db.query('COMMIT');
}

/**
 * A chained event has no xid, and even an UPDATE must leave one (the migration's NOT VALID check):
 * a superuser rewriting one drops the check first, as this does.
 */
async function editChained(db: DataSource, sql: string, params: unknown[] = []): Promise<void> {
  await db.query('ALTER TABLE audit_events DROP CONSTRAINT audit_events_xid_set');
  try {
    await db.query(sql, params);
  } finally {
    await db.query(
      'ALTER TABLE audit_events ADD CONSTRAINT audit_events_xid_set CHECK (xid IS NOT NULL) NOT VALID',
    );
  }
}

describe('migrating the hash chain into the log', () => {
  const database = `salt_test_${process.env.SALT_TEST_RUN}_chain${randomBytes(3).toString('hex')}`;
  const CHAINED = 6;
  let t: TestApp;
  let auditor: ApiClient;

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    await migrate(
      database,
      MIGRATIONS.filter((m) => timestampOf(m) < LOG_MIGRATION),
    );
    const db = new Client({ connectionString: databaseUrl(database) });
    await db.connect();
    for (let i = 1; i <= CHAINED; i++) await appendChained(db, i);
    await db.end();
    await migrate(database, MIGRATIONS);
    t = await startTestApp({ database });
    auditor = await auditorClient(new Make(t));
    await waitSealed(t.db);
  });

  afterAll(async () => {
    await t?.close();
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('keeps the old chain verifiable as it stands, sealed as the first leaves in seq order', async () => {
    const items = (await auditor.get(`/audit?limit=${CHAINED}`).expect(200)).body
      .items as AuditEventView[];
    let prev = GENESIS_HASH;
    for (const [i, { prevHash, hash, ...hashed }] of items.entries()) {
      expect(hashed.seq).toBe(String(i + 1));
      expect(prevHash).toBe(prev);
      expect(eventHash(hashed, prev)).toBe(hash);
      prev = hash;
    }
    const leaves: { leaf_index: string; seq: string }[] = await t.db.query(
      `SELECT leaf_index, seq FROM audit_leaves WHERE leaf_index < $1 ORDER BY leaf_index`,
      [CHAINED],
    );
    expect(leaves.map((l) => Number(l.seq))).toEqual([1, 2, 3, 4, 5, 6]);

    // Events recorded after the migration follow, without a chain.
    const later = (await auditor.get('/audit?limit=1000').expect(200)).body
      .items as AuditEventView[];
    expect(later.length).toBeGreaterThan(CHAINED);
    expect(later[CHAINED].prevHash).toBeNull();

    const verdict = (await auditor.get('/audit/verify').expect(200)).body;
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.checked).toBe(verdict.treeSize);
    expect(verdict.treeSize).toBeGreaterThan(CHAINED);

    const proof = (await auditor.get('/audit/proofs/inclusion?seq=3').expect(200)).body as {
      leafIndex: number;
      leafHash: string;
      proof: string[];
      checkpoint: { treeSize: number; rootHash: string };
    };
    expect(proof.leafIndex).toBe(2);
    expect(
      verifyInclusion(
        Buffer.from(proof.leafHash, 'hex'),
        proof.leafIndex,
        proof.checkpoint.treeSize,
        proof.proof.map((p) => Buffer.from(p, 'hex')),
        Buffer.from(proof.checkpoint.rootHash, 'hex'),
      ),
    ).toBe(true);
  });

  it('reports an altered chained event at its leaf', async () => {
    const [row]: { hash: string }[] = await t.db.query(
      'SELECT hash FROM audit_events WHERE seq = 4',
    );
    await asSuperuserWithoutTriggers(t.db, (db) =>
      editChained(db, `UPDATE audit_events SET actor_name = 'Someone Else' WHERE seq = 4`),
    );
    try {
      const verdict = (await auditor.get('/audit/verify').expect(200)).body;
      expect(verdict).toMatchObject({ ok: false, firstBrokenLeaf: 3, firstBrokenSeq: 4 });
    } finally {
      await asSuperuserWithoutTriggers(t.db, (db) =>
        editChained(db, `UPDATE audit_events SET actor_name = 'system', hash = $1 WHERE seq = 4`, [
          row.hash,
        ]),
      );
    }
    expect((await auditor.get('/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });
});
