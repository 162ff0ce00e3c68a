import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { column, entityColumns, oneRow, rows, selectList } from '../database/typed-query';
import { AuditEventEntity } from './audit-event.entity';
import { canonicalJson, HashedEvent } from './audit-hash';

/**
 * Writers never wait on each other: an event is inserted in its writer's transaction, with its
 * seq from a sequence, its time, its leaf hash and (by column default) the writer's transaction
 * id, by the SQL function audit_record (migration 1764152000000) in one statement. Ordering and
 * sealing into the Merkle tree happen later, in the sealer (audit-sealer.ts; docs/audit.md).
 */
// Values only the database knows, filled in by audit_record. NUL cannot be stored in text or
// jsonb, so these JSON strings cannot occur in real data.
const SEQ_PLACEHOLDER = '\u0000seq';
const OCCURRED_AT_PLACEHOLDER = '\u0000occurredAt';

export type NewAuditEvent = Omit<HashedEvent, 'seq' | 'occurredAt'>;

/** An event as auditors see it: every hashed field in its hashed form, plus the links. */
export interface AuditEventView extends HashedEvent {
  /** The old chain's link on events recorded before the log; null on newer events. */
  prevHash: string | null;
  hash: string;
}

export interface AuditFilter {
  studyId?: string;
  actorId?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** occurredAt ≥ from */
  from?: Date;
  /** occurredAt < to */
  to?: Date;
}

export interface PageRequest {
  afterSeq?: number;
  order: 'asc' | 'desc';
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The hash must cover what Postgres stores, not what the caller passed: uuid columns come back
 * lower-case and hyphenated, and text is stored as UTF-8, where a lone surrogate becomes U+FFFD.
 */
function storedUuid(value: string | null, field: string): string | null {
  if (value === null) return null;
  const lower = value.toLowerCase();
  if (!UUID.test(lower)) throw new Error(`audit ${field} must be a UUID, got "${value}"`);
  return lower;
}
function storedText<T extends string | null>(value: T): T {
  return (value === null ? null : value.replace(LONE_SURROGATE, '\ufffd')) as T;
}

// seq is bigint and stays the string pg returns, exactly as it is hashed (audit-hash.ts).
const EVENT = entityColumns(AuditEventEntity);
const APPENDED = {
  seq: column.text(),
  occurredAt: column.timestamp(),
  hash: column.text(),
};

const toView = (row: AuditEventEntity): AuditEventView => ({
  ...row,
  occurredAt: row.occurredAt.toISOString(),
});

/** An event's `audit_record(…)` call (columns seq, occurred_at, hash) and its parameters. */
export interface AuditRecordCall {
  sql: string;
  params: unknown[];
}

function assertInTransaction(tx: EntityManager): void {
  if (!tx.queryRunner?.isTransactionActive) {
    throw new Error('audit events must be written inside the transaction of their change');
  }
}

/** The event as stored, and the call that stores it with parameters from `$firstParam` on. */
function prepareRecord(
  input: NewAuditEvent,
  firstParam: number,
): { event: NewAuditEvent; call: AuditRecordCall } {
  const event: NewAuditEvent = {
    ...input,
    actorId: storedUuid(input.actorId, 'actorId'),
    studyId: storedUuid(input.studyId, 'studyId'),
    actorName: storedText(input.actorName),
    actorRole: storedText(input.actorRole),
    action: storedText(input.action),
    entityType: storedText(input.entityType),
    entityId: storedText(input.entityId),
    reason: storedText(input.reason),
    requestId: storedText(input.requestId),
    ip: storedText(input.ip),
    userAgent: storedText(input.userAgent),
  };
  // The database fills in seq and time; everything else is serialised here, with eventHash's
  // canonical JSON, and hashed by audit_record (migration 1764152000000) in one statement.
  const placeholders: HashedEvent = {
    ...event,
    seq: SEQ_PLACEHOLDER,
    occurredAt: OCCURRED_AT_PLACEHOLDER,
  };
  const params = [
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
    canonicalJson(placeholders),
  ];
  const placeholdersSql = params.map((_, i) => `$${firstParam + i}`).join(',');
  return { event, call: { sql: `audit_record(${placeholdersSql})`, params } };
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction; the event commits or vanishes with the change. */
  async append(tx: EntityManager, input: NewAuditEvent): Promise<AuditEventEntity> {
    assertInTransaction(tx);
    const { event, call } = prepareRecord(input, 1);
    const { seq, occurredAt, hash } = await oneRow(
      tx,
      APPENDED,
      `SELECT seq, occurred_at, hash FROM ${call.sql}`,
      call.params,
    );
    return Object.assign(new AuditEventEntity(), {
      ...event,
      seq,
      occurredAt,
      prevHash: null,
      hash,
    });
  }

  /**
   * The event's audit_record call, for a writer that records it in the same statement as its
   * change (ReadsRepository.submitRead): one round trip less on a hot path. The event is hashed
   * exactly as `append` hashes it; the caller runs the call in `tx`, and only there.
   */
  prepare(tx: EntityManager, input: NewAuditEvent, firstParam: number): AuditRecordCall {
    assertInTransaction(tx);
    return prepareRecord(input, firstParam).call;
  }

  /** One keyset page: events after the cursor's seq in the requested order, filtered. */
  async page(filter: AuditFilter, page: PageRequest): Promise<AuditEventView[]> {
    const params: unknown[] = [];
    const where = filterConditions(filter, params);
    if (page.afterSeq !== undefined) {
      params.push(page.afterSeq);
      where.push(`seq ${page.order === 'asc' ? '>' : '<'} $${params.length}`);
    }
    params.push(page.limit);
    const events = await rows(
      this.dataSource,
      EVENT,
      `SELECT ${selectList(EVENT, 'e')} FROM audit_events e
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq ${page.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
      params,
    );
    return events.map(toView);
  }

  /**
   * Events recorded on the entity, plus those whose after/before JSON names it under `ownerKey`
   * (the convention in audit-action.ts), oldest first.
   */
  async timeline(
    entityType: string,
    entityId: string,
    ownerKey: string,
    afterSeq: number,
    limit: number,
  ): Promise<AuditEventView[]> {
    const owner = JSON.stringify({ [ownerKey]: entityId });
    const events = await rows(
      this.dataSource,
      EVENT,
      `SELECT ${selectList(EVENT, 'e')} FROM audit_events e
        WHERE seq > $4
          AND ((entity_type = $1 AND entity_id = $2) OR after @> $3::jsonb OR before @> $3::jsonb)
        ORDER BY seq LIMIT $5`,
      [entityType, entityId, owner, afterSeq, limit],
    );
    return events.map(toView);
  }

  /** Every event matching the filter with seq ≤ throughSeq, oldest first, in keyset batches. */
  async *scan(
    filter: AuditFilter,
    throughSeq: number,
    batchSize = 2000,
  ): AsyncGenerator<AuditEventView[]> {
    let afterSeq = 0;
    for (;;) {
      const params: unknown[] = [];
      const where = filterConditions(filter, params);
      params.push(afterSeq, throughSeq, batchSize);
      const n = params.length;
      const events = await rows(
        this.dataSource,
        EVENT,
        `SELECT ${selectList(EVENT, 'e')} FROM audit_events e
          WHERE ${[...where, `seq > $${n - 2}`, `seq <= $${n - 1}`].join(' AND ')}
          ORDER BY seq LIMIT $${n}`,
        params,
      );
      if (events.length === 0) return;
      yield events.map(toView);
      if (events.length < batchSize) return;
      afterSeq = Number(events[events.length - 1].seq);
    }
  }
}

function filterConditions(filter: AuditFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (column: string, op: string, value: unknown) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} ${op} $${params.length}`);
  };
  add('study_id', '=', filter.studyId);
  add('actor_id', '=', filter.actorId);
  add('action', '=', filter.action);
  add('entity_type', '=', filter.entityType);
  add('entity_id', '=', filter.entityId);
  add('occurred_at', '>=', filter.from);
  add('occurred_at', '<', filter.to);
  return where;
}
