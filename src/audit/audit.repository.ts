import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import { eventHash, GENESIS_HASH, HashedEvent } from './audit-hash';

// One chain for the whole database: appends take this transaction-scoped advisory lock so the
// chain is a single line. It is released at commit or rollback, and nothing else waits on it.
const AUDIT_CHAIN_LOCK = 0x5a17_a0d1;

export type NewAuditEvent = Omit<HashedEvent, 'seq' | 'occurredAt'>;

@Injectable()
export class AuditRepository {
  /** Appends inside the caller's transaction; the event commits or vanishes with the change. */
  async append(tx: EntityManager, event: NewAuditEvent): Promise<AuditEventEntity> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('audit events must be written inside the transaction of their change');
    }
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const rows: { seq: string; hash: string; now: Date }[] = await tx.query(
      `SELECT last.seq, last.hash, date_trunc('milliseconds', clock_timestamp()) AS now
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1) last ON true`,
    );
    const previous = rows[0];
    const seq = previous.seq ? (BigInt(previous.seq) + 1n).toString() : '1';
    const prevHash = previous.hash ?? GENESIS_HASH;
    const occurredAt = new Date(previous.now);
    const hashed: HashedEvent = { ...event, seq, occurredAt: occurredAt.toISOString() };
    const hash = eventHash(hashed, prevHash);
    await tx.query(
      `INSERT INTO audit_events (seq, occurred_at, actor_id, actor_name, actor_role, action,
         entity_type, entity_id, study_id, before, after, reason, request_id, ip, user_agent,
         prev_hash, hash)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
      [
        seq,
        occurredAt,
        event.actorId,
        event.actorName,
        event.actorRole,
        event.action,
        event.entityType,
        event.entityId,
        event.studyId,
        event.before === null || event.before === undefined ? null : JSON.stringify(event.before),
        event.after === null || event.after === undefined ? null : JSON.stringify(event.after),
        event.reason,
        event.requestId,
        event.ip,
        event.userAgent,
        prevHash,
        hash,
      ],
    );
    const row = Object.assign(new AuditEventEntity(), {
      ...event,
      seq,
      occurredAt,
      prevHash,
      hash,
    });
    return row;
  }
}
