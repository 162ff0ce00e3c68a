import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { StudyLockService } from '../studies/study-lock.service';
import { ReadsRepository } from './reads.repository';

export interface ReopenedRead {
  id: string;
  status: 'assigned';
  version: number;
}

/**
 * Corrections: scores are immutable, so an admin reopens a submitted read and its rater submits
 * a new version. The earlier version stays for auditors; the pair is evaluated again on the new
 * submission (its evaluate job id carries the new read's id, so it runs afresh).
 */
@Injectable()
export class ReadCorrectionsService {
  constructor(
    private readonly reads: ReadsRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly locks: StudyLockService,
  ) {}

  async reopen(principal: Principal, taskId: string, reason: string): Promise<ReopenedRead> {
    return this.tx.run(async (tx) => {
      const peek = await this.reads.taskById(tx, taskId);
      if (!peek || peek.status === 'reassigned') throw notFound('Read not found');
      await this.locks.assertOpen(tx, peek.studyId);
      await this.photoSets.lockSet(tx, peek.photoSetId);
      const task = await this.reads.lockTask(tx, taskId);
      if (!task || task.status !== 'submitted') {
        throw conflict('Only a submitted read can be reopened');
      }
      if (await this.reads.hasOpenAdjudication(tx, task.photoSetId)) {
        throw conflict('The pair is with an adjudicator; reopen it after the decision');
      }
      await this.reads.reopen(tx, task.id, reason.trim());
      // A final set goes back to reading until the corrected read is in and evaluated again.
      await this.photoSets.transition(tx, task.photoSetId, ['final', 'reading'], 'reading');
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.ReadReopened,
        entityType: 'read-task',
        entityId: task.id,
        studyId: task.studyId,
        before: { status: 'submitted', version: task.version },
        after: {
          photoSetId: task.photoSetId,
          readTaskId: task.id,
          status: 'assigned',
          version: task.version + 1,
        },
        reason: reason.trim(),
      });
      return { id: task.id, status: 'assigned', version: task.version + 1 };
    });
  }
}
