import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { column, oneRow, Row, rows } from '../database/typed-query';

const TOTALS = {
  readsSubmitted: column.count(),
  adjudicationsOpen: column.count(),
  imageQueriesOpen: column.count(),
  auditEvents: column.count(),
  auditSealed: column.count(),
  lastCheckpointAt: column.timestampOrNull(),
  lastVerifiedAt: column.timestampOrNull(),
  lastVerifyOk: column.textOrNull<'true' | 'false'>(),
};
const SETS_BY_STATUS = { status: column.text(), sets: column.count() };

export type DomainTotals = Row<typeof TOTALS>;
export type SetsByStatus = Row<typeof SETS_BY_STATUS>;

/**
 * Read-only counts across the features' tables for the metrics scrape (like results/, it owns no
 * table). Each count is served by an index, or by a table that stays small next to the audit
 * trail; nothing here selects a subject, visit or name.
 */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  totals(): Promise<DomainTotals> {
    return oneRow(
      this.dataSource,
      TOTALS,
      // The trail's seq may have holes (a rolled-back append), so appends are counted; the
      // table is append-only, so this is an index-only scan of its primary key.
      `SELECT (SELECT count(*) FROM reads WHERE version = 1) AS reads_submitted,
              (SELECT count(*) FROM adjudication_tasks WHERE status = 'open') AS adjudications_open,
              (SELECT count(*) FROM image_queries WHERE status <> 'answered') AS image_queries_open,
              (SELECT count(*) FROM audit_events) AS audit_events,
              (SELECT coalesce(max(tree_size), 0) FROM audit_checkpoints) AS audit_sealed,
              (SELECT max(signed_at) FROM audit_checkpoints) AS last_checkpoint_at,
              last_verify.occurred_at AS last_verified_at,
              last_verify.after ->> 'ok' AS last_verify_ok
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (
                SELECT occurred_at, after FROM audit_events
                 WHERE action = $1 ORDER BY seq DESC LIMIT 1) AS last_verify ON true`,
      [AuditAction.AuditVerified],
    );
  }

  setsByStatus(): Promise<SetsByStatus[]> {
    return rows(
      this.dataSource,
      SETS_BY_STATUS,
      `SELECT status, count(*) AS sets FROM photo_sets GROUP BY status`,
    );
  }
}
