import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit/audit.service';
import { AuditEventInput } from '../../src/audit/audit.service';
import { TransactionService } from '../../src/database/transaction.service';
import { ApiClient, Make } from '../support/factories';
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

export async function lastSeq(db: DataSource): Promise<number> {
  const rows: { seq: string | null }[] = await db.query('SELECT max(seq) AS seq FROM audit_events');
  return Number(rows[0].seq ?? 0);
}

/**
 * Runs SQL on audit_events with its append-only triggers switched off, as a superuser could.
 * The test database connection is a superuser; the app's real role cannot do this (see
 * database-roles.e2e-spec.ts).
 */
export async function asSuperuserWithoutTriggers<T>(
  db: DataSource,
  work: (db: DataSource) => Promise<T>,
): Promise<T> {
  await db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
  try {
    return await work(db);
  } finally {
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
  }
}
