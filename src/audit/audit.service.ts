import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RequestContext } from '../common/request-context';
import { AuditAction } from './audit-action';
import { AuditEventEntity } from './audit-event.entity';
import { AuditRepository } from './audit.repository';

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

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /**
   * Records an event in the caller's transaction, stamped with the current request's origin.
   * Call it last in the transaction: it takes the chain lock, held until commit.
   */
  record(tx: EntityManager, input: AuditEventInput): Promise<AuditEventEntity> {
    const request = RequestContext.current();
    return this.audit.append(tx, {
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
      after:
        input.after === undefined ? null : (JSON.parse(JSON.stringify(input.after)) as unknown),
      reason: input.reason ?? null,
      requestId: request?.requestId ?? null,
      ip: request?.ip ?? null,
      userAgent: request?.userAgent ?? null,
    });
  }
}
