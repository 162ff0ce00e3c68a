import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { AuditEventInput } from '../../src/audit/audit.service';
import { TransactionService } from '../../src/database/transaction.service';
import { ApiClient, Make } from '../support/factories';
import { waitFor } from '../support/processes';
import { TestApp } from '../support/test-app';

/** An auditor's client. */
export async function auditorClient(make: Make): Promise<ApiClient> {
  return (await make.auditor()).client;
}

/** Records one event through the app's own audit path, as a feature module would. */
export async function recordEvent(t: TestApp, input: AuditEventInput): Promise<string> {
  const tx = t.app.get(TransactionService);
  const audit = t.app.get(AuditService);
  const event = await tx.run((manager) => audit.record(manager, input));
  return event.seq;
}

/** Committed events the sealer has not put into the log yet. */
export async function unsealedCount(db: DataSource): Promise<number> {
  const rows: { n: string }[] = await db.query(
    `SELECT count(*) AS n FROM audit_events e
      WHERE NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.seq = e.seq)`,
  );
  return Number(rows[0].n);
}

/** Waits until the sealer has put every committed event into a signed checkpoint. */
export async function waitSealed(db: DataSource): Promise<void> {
  await waitFor(async () => (await unsealedCount(db)) === 0, 30_000, 50);
}

/** The leaf an event was sealed as, or null. */
export async function leafOf(db: DataSource, seq: string | number): Promise<number | null> {
  const rows: { leaf_index: string }[] = await db.query(
    'SELECT leaf_index FROM audit_leaves WHERE seq = $1',
    [seq],
  );
  return rows.length ? Number(rows[0].leaf_index) : null;
}

export async function lastSeq(db: DataSource): Promise<number> {
  const rows: { seq: string | null }[] = await db.query('SELECT max(seq) AS seq FROM audit_events');
  return Number(rows[0].seq ?? 0);
}

const AUDIT_TABLES = ['audit_events', 'audit_leaves', 'audit_checkpoints'];

/**
 * Runs SQL on the audit tables with their append-only triggers switched off, as a superuser could.
 * The test database connection is a superuser; the app's real role cannot do this (see
 * database-roles.e2e-spec.ts).
 */
export async function asSuperuserWithoutTriggers<T>(
  db: DataSource,
  work: (db: DataSource) => Promise<T>,
): Promise<T> {
  for (const table of AUDIT_TABLES) await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  try {
    return await work(db);
  } finally {
    for (const table of AUDIT_TABLES) await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }
}
