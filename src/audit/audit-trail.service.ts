import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { Principal } from '../auth/principal';
import { invalid } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { AuditAction } from './audit-action';
import { csvHeader, csvRow } from './audit-csv';
import { AuditEventView, AuditFilter, AuditRepository } from './audit.repository';
import { AuditActor, AuditService } from './audit.service';
import { Checkpoint } from './audit-checkpoint';
import { LogVerifyResult } from './audit-log-verifier';
import { AuditLogService } from './audit-log.service';
import {
  AuditExportQueryDto,
  AuditFilterDto,
  AuditListQueryDto,
  AuditPageDto,
  DEFAULT_PAGE,
  MAX_PAGE,
} from './dto/audit-query.dto';

export interface AuditPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

export interface AuditExport {
  stream: Readable;
  contentType: string;
  filename: string;
}

/**
 * The JSON key under which related events name an entity of this type (see the convention in
 * audit-action.ts): 'photo-set' → 'photoSetId', 'read-task' → 'readTaskId'.
 */
export function ownerKeyOf(entityType: string): string {
  return entityType.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) + 'Id';
}

// Cursors are opaque to clients: the direction and last seq of the previous page.
function encodeCursor(order: 'asc' | 'desc', seq: string): string {
  return Buffer.from(`${order}:${seq}`).toString('base64url');
}
function decodeCursor(cursor: string, order: 'asc' | 'desc'): number {
  const match = /^(asc|desc):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || match[1] !== order) throw invalid(['cursor is not valid for this query']);
  return Number(match[2]);
}

function toFilter(query: AuditFilterDto): AuditFilter {
  return {
    studyId: query.studyId?.toLowerCase(),
    actorId: query.actorId?.toLowerCase(),
    action: query.action,
    entityType: query.entityType,
    entityId: query.entityId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

/** The role an auditor-view request is made in, as the trail records it. */
function auditorActor(principal: Principal): AuditActor {
  const role = principal.roles.includes('auditor') ? 'auditor' : 'admin';
  return { id: principal.userId, name: principal.name, role };
}

/** The auditor's view of the trail: listing, timelines, verification and export. */
@Injectable()
export class AuditTrailService {
  constructor(
    private readonly events: AuditRepository,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly log: AuditLogService,
  ) {}

  async list(query: AuditListQueryDto): Promise<AuditPage> {
    const order = query.order ?? 'asc';
    const limit = query.limit ?? DEFAULT_PAGE;
    const afterSeq = query.cursor ? decodeCursor(query.cursor, order) : undefined;
    const rows = await this.events.page(toFilter(query), { afterSeq, order, limit: limit + 1 });
    return this.toPage(rows, limit, order);
  }

  async timeline(entityType: string, entityId: string, query: AuditPageDto): Promise<AuditPage> {
    const limit = query.limit ?? MAX_PAGE;
    const afterSeq = query.cursor ? decodeCursor(query.cursor, 'asc') : 0;
    const rows = await this.events.timeline(
      entityType,
      entityId,
      ownerKeyOf(entityType),
      afterSeq,
      limit + 1,
    );
    return this.toPage(rows, limit, 'asc');
  }

  /**
   * Rebuilds the log from the events and checks it against its signed checkpoints and any the
   * auditor holds outside, then records that it did.
   */
  async verify(principal: Principal, outside: Checkpoint[] = []): Promise<LogVerifyResult> {
    const result = await this.log.verify(outside);
    await this.tx.run((tx) =>
      this.audit.record(tx, {
        actor: auditorActor(principal),
        action: AuditAction.AuditVerified,
        entityType: 'audit-trail',
        after: { ...result, outside: result.outside ?? null },
      }),
    );
    return result;
  }

  /**
   * Records the export first: its event's seq bounds the export, which holds every matching event
   * committed before it. Rows are then read in keyset batches as the client consumes them.
   */
  async export(principal: Principal, query: AuditExportQueryDto): Promise<AuditExport> {
    const format = query.format ?? 'jsonl';
    const filter = toFilter(query);
    const recorded = await this.tx.run((tx) =>
      this.audit.record(tx, {
        actor: auditorActor(principal),
        action: AuditAction.AuditExported,
        entityType: 'audit-trail',
        studyId: filter.studyId ?? null,
        after: { format, filter: { ...query, format: undefined } },
      }),
    );
    const throughSeq = Number(recorded.seq) - 1;
    const events = this.events;
    async function* lines(): AsyncGenerator<string> {
      if (format === 'csv') yield csvHeader();
      for await (const batch of events.scan(filter, throughSeq)) {
        let chunk = '';
        for (const event of batch) {
          chunk += format === 'csv' ? csvRow(event) : JSON.stringify(event) + '\n';
        }
        yield chunk;
      }
    }
    return {
      stream: Readable.from(lines()),
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      filename: `audit-trail-through-${throughSeq}.${format}`,
    };
  }

  private toPage(rows: AuditEventView[], limit: number, order: 'asc' | 'desc'): AuditPage {
    const items = rows.slice(0, limit);
    const more = rows.length > limit;
    return { items, nextCursor: more ? encodeCursor(order, items[items.length - 1].seq) : null };
  }
}
