import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Entity timelines also gather the events whose after/before JSON names the entity as their owner
 * (e.g. `{"photoSetId": …}` on read and adjudication events, see src/audit/audit-action.ts). These
 * indexes answer `after @> '{"photoSetId": "…"}'` without scanning the trail.
 */
export class AuditOwnerIndex1764150500000 implements MigrationInterface {
  name = 'AuditOwnerIndex1764150500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX audit_events_after_idx ON audit_events USING gin (after jsonb_path_ops)`,
    );
    await db.query(
      `CREATE INDEX audit_events_before_idx ON audit_events USING gin (before jsonb_path_ops)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX audit_events_before_idx`);
    await db.query(`DROP INDEX audit_events_after_idx`);
  }
}
