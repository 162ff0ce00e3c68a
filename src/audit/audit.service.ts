import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { AuditAction } from './audit-action';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRecordCall, AuditRepository, NewAuditEvent } from './audit.repository';
import { AuditLogService, LogHead } from './audit-log.service';

/** Who acted: a signed-in user in one of their roles, or the system running a job. */
export interface AuditActor {
  id: string | null;
  name: string;
  role: string;
}

export const SYSTEM_ACTOR: AuditActor = { id: null, name: 'system', role: 'system' };

export interface AuditEventInput {
  actor: AuditActor;
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  studyId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** The event as it is stored: stamped with the current request's origin. */
function stamped(input: AuditEventInput): NewAuditEvent {
  const request = RequestContext.current();
  return {
    actorId: input.actor.id,
    actorName: input.actor.name,
    actorRole: input.actor.role,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    studyId: input.studyId ?? null,
    // jsonb drops undefined keys; round-trip through JSON so the hash sees what is stored.
    before:
      input.before === undefined ? null : (JSON.parse(JSON.stringify(input.before)) as unknown),
    after: input.after === undefined ? null : (JSON.parse(JSON.stringify(input.after)) as unknown),
    reason: input.reason ?? null,
    requestId: request?.requestId ?? null,
    ip: request?.ip ?? null,
    userAgent: request?.userAgent ?? null,
  };
}

@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly log: AuditLogService,
  ) {}

  /**
   * Records an event in the caller's transaction, stamped with the current request's origin. It
   * takes no lock: concurrent writers never wait for each other. The sealer adds the event to
   * the signed log within about a second of its commit (docs/audit.md).
   */
  record(tx: EntityManager, input: AuditEventInput): Promise<AuditEventEntity> {
    return this.audit.append(tx, stamped(input));
  }

  /**
   * The same event as `record` would write, as an `audit_record(…)` call with its parameters
   * numbered from `firstParam`, for a repository that runs it in the statement of the change
   * itself (one round trip less on the hottest write, score submission). It must run in `tx`.
   */
  prepare(tx: EntityManager, input: AuditEventInput, firstParam: number): AuditRecordCall {
    return this.audit.prepare(tx, stamped(input), firstParam);
  }

  /**
   * The log's head: the latest signed checkpoint {treeSize, rootHash, signedAt}, or null before
   * the first. Recording it (in a study lock, an export) fixes which history that moment saw; a
   * consistency proof from it shows later that the history was not rewritten.
   */
  head(): Promise<LogHead | null> {
    return this.log.head();
  }
}
