import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { TransactionService } from '../database/transaction.service';
import { DomainEvents } from '../events/domain-events.service';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { StudiesRepository } from '../studies/studies.repository';
import { withDefaults } from '../studies/study-settings';
import { FinalSetReads, ReaderQualityRepository } from './reader-quality.repository';
import { chooseRereader, selectedForReread, washoutHolds } from './rereads';
import './reader-quality.events';

/**
 * Blinded re-reads (issue 12): a deterministic share of final sets is read again by one of its
 * original raters once the washout holds, under a new read code, as an ordinary read task. The
 * re-read never touches the set's pair, evaluation or final score; it only feeds the
 * intra-rater statistics.
 */
@Injectable()
export class RereadsService {
  private readonly logger = new Logger(RereadsService.name);

  constructor(
    private readonly quality: ReaderQualityRepository,
    private readonly studies: StudiesRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Schedules every re-read of the study that is due at `now` (the clock is a parameter so the
   * washout can be tested); returns how many it scheduled. Safe to run at any time, twice, or
   * in two processes: a set gets at most one re-read (primary key and a unique index).
   */
  async scheduleDue(studyId: string, now: Date = new Date()): Promise<number> {
    const settings = withDefaults(await this.studies.settings(studyId));
    const { rereadShare, washoutDays, washoutReads } = settings.readerQuality;
    if (rereadShare <= 0) return 0;
    const candidates = (await this.quality.finalSetsWithoutReread(this.tx.manager, studyId)).filter(
      (set) => selectedForReread(set.photoSetId, rereadShare),
    );
    let scheduled = 0;
    for (const set of candidates) {
      if (await this.scheduleOne(studyId, set, now, washoutDays, washoutReads)) scheduled++;
    }
    if (scheduled) this.logger.log(`scheduled ${scheduled} re-reads in study ${studyId}`);
    return scheduled;
  }

  private async scheduleOne(
    studyId: string,
    set: FinalSetReads,
    now: Date,
    washoutDays: number,
    washoutReads: number,
  ): Promise<boolean> {
    return this.tx.run(async (tx) => {
      const active = await this.quality.activeRaters(tx, studyId);
      const raterId = chooseRereader(
        set.photoSetId,
        set.raterIds.filter((id) => active.has(id)),
      );
      if (!raterId) return false;
      const index = set.raterIds.indexOf(raterId);
      const firstReadAt = new Date(set.submittedAt[index]);
      const readsSince = await this.quality.readsSince(tx, studyId, raterId, firstReadAt);
      const washout = {
        firstReadAt,
        readsSince,
        now,
        minDays: washoutDays,
        minReads: washoutReads,
      };
      if (!washoutHolds(washout)) return false;
      const locked = await this.photoSets.lockSet(tx, set.photoSetId);
      if (
        !locked ||
        locked.status !== 'final' ||
        (await this.quality.hasReread(tx, set.photoSetId))
      ) {
        return false;
      }
      const readTaskId = randomUUID();
      await this.events.publish(tx, 'reader-quality.tasks-due', {
        studyId,
        tasks: [{ id: readTaskId, photoSetId: set.photoSetId, raterId, kind: 'reread' }],
      });
      await this.quality.insertReread(tx, {
        photoSetId: set.photoSetId,
        studyId,
        raterId,
        originalReadId: set.readIds[index],
        readTaskId,
      });
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.RereadScheduled,
        entityType: 'photo-set',
        entityId: set.photoSetId,
        studyId,
        after: {
          photoSetId: set.photoSetId,
          readTaskId,
          raterId,
          originalReadId: set.readIds[index],
          washout: {
            firstReadAt: firstReadAt.toISOString(),
            readsSince,
            minDays: washoutDays,
            minReads: washoutReads,
          },
        },
      });
      return true;
    });
  }

  async scheduleAllStudies(now: Date = new Date()): Promise<number> {
    let scheduled = 0;
    for (const studyId of await this.quality.studiesWithRereads()) {
      scheduled += await this.scheduleDue(studyId, now);
    }
    return scheduled;
  }
}
