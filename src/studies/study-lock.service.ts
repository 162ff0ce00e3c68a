import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, DomainError, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { StudiesRepository } from './studies.repository';
import { StudyLockRepository, StudyLockRow } from './study-lock.repository';

/** A study's data freeze, as admins and exports see it. */
export interface StudyLockView {
  locked: boolean;
  lockId: string | null;
  lockedAt: string | null;
  lockedBy: string | null;
  reason: string | null;
  /** The audit log's head when the study was locked: the latest signed checkpoint. */
  auditHeadAtLock: unknown;
}

const UNLOCKED: StudyLockView = {
  locked: false,
  lockId: null,
  lockedAt: null,
  lockedBy: null,
  reason: null,
  auditHeadAtLock: null,
};

function toView(lock: StudyLockRow | null): StudyLockView {
  if (!lock) return UNLOCKED;
  return {
    locked: true,
    lockId: lock.id,
    lockedAt: lock.lockedAt.toISOString(),
    lockedBy: lock.lockedByName,
    reason: lock.reason,
    auditHeadAtLock: lock.auditHead,
  };
}

/** The message every refused write answers; it names the lock (study, time, id), not its reason. */
export function lockedMessage(lock: Pick<StudyLockRow, 'id' | 'studyCode' | 'lockedAt'>): string {
  return (
    `Study ${lock.studyCode} is locked for analysis since ${lock.lockedAt.toISOString()} ` +
    `(lock ${lock.id}): no uploads, imports, reads, decisions, queries, corrections or ` +
    'membership changes until an admin unlocks it'
  );
}

/**
 * The study lock (data freeze for analysis). While a study is locked its writes answer 409:
 * every such write calls `assertOpen` inside its own transaction (see RefusedWhileLocked).
 * Locking and unlocking need a reason and are audited; the lock keeps the audit log's head.
 */
@Injectable()
export class StudyLockService {
  constructor(
    private readonly locks: StudyLockRepository,
    private readonly studies: StudiesRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  /** Refuses with 409 when the study is locked; call it inside the write's transaction. */
  async assertOpen(tx: EntityManager, studyId: string): Promise<void> {
    const lock = await this.locks.openLockShared(tx, studyId);
    if (lock) throw conflict(lockedMessage(lock));
  }

  /**
   * The 409 of a write that checked the lock itself, in its own statements (score submission:
   * studyWriteLockSql and studyOpenSql) and found the study locked.
   */
  async refusal(tx: EntityManager, studyId: string): Promise<DomainError> {
    const lock = await this.locks.openLock(studyId, tx);
    // The writer holds the study's write lock shared, so the lock it saw cannot go away.
    if (!lock) throw new Error(`study ${studyId} was seen locked, but has no open lock`);
    return conflict(lockedMessage(lock));
  }

  /** A quick answer before slow work (storing an upload); the transaction checks again. */
  async assertOpenNow(studyId: string): Promise<void> {
    const lock = await this.locks.openLock(studyId);
    if (lock) throw conflict(lockedMessage(lock));
  }

  async status(studyId: string): Promise<StudyLockView> {
    return toView(await this.locks.openLock(studyId));
  }

  async lock(principal: Principal, studyId: string, reason: string): Promise<StudyLockView> {
    const auditHead = await this.auditHead();
    return this.tx.run(async (tx) => {
      const study = await this.studies.findByIdForUpdate(tx, studyId);
      if (!study) throw notFound('Study not found');
      await this.locks.lockWrites(tx, studyId);
      const open = await this.locks.openLock(studyId, tx);
      if (open) throw conflict(`${lockedMessage(open)}; it is locked already`);
      const created = await this.locks.insert(tx, {
        studyId,
        lockedBy: principal.userId,
        reason: reason.trim(),
        auditHead,
      });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.StudyLocked,
        entityType: 'study',
        entityId: studyId,
        studyId,
        after: { lockId: created.id, lockedAt: created.lockedAt.toISOString(), auditHead },
        reason: reason.trim(),
      });
      return toView(await this.locks.openLock(studyId, tx));
    });
  }

  async unlock(principal: Principal, studyId: string, reason: string): Promise<StudyLockView> {
    return this.tx.run(async (tx) => {
      const study = await this.studies.findByIdForUpdate(tx, studyId);
      if (!study) throw notFound('Study not found');
      await this.locks.lockWrites(tx, studyId);
      const open = await this.locks.openLock(studyId, tx);
      if (!open) throw conflict(`Study ${study.code} is not locked`);
      await this.locks.close(tx, open.id, { unlockedBy: principal.userId, reason: reason.trim() });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.StudyUnlocked,
        entityType: 'study',
        entityId: studyId,
        studyId,
        before: { lockId: open.id, lockedAt: open.lockedAt.toISOString() },
        after: { lockId: open.id, unlocked: true },
        reason: reason.trim(),
      });
      return UNLOCKED;
    });
  }

  /**
   * Headers an export made during a lock carries: when the study was locked, and the audit
   * log's head at that moment, so an analysis file can be tied to the frozen log.
   */
  async exportHeaders(studyId: string): Promise<Record<string, string>> {
    const lock = await this.locks.openLock(studyId);
    if (!lock) return {};
    return {
      'X-Study-Locked-At': lock.lockedAt.toISOString(),
      'X-Study-Lock-Id': lock.id,
      'X-Audit-Head-At-Lock': JSON.stringify(lock.auditHead),
    };
  }

  /** The latest signed checkpoint of the audit log, or null before the first one. */
  private async auditHead(): Promise<unknown> {
    return (await this.audit.head()) ?? null;
  }
}
