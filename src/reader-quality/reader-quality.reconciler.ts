import { Injectable } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { Reconciler } from '../queue/reconciler.decorator';
import { QualificationService } from './qualification.service';
import { ReaderQualityRepository } from './reader-quality.repository';
import { RereadsService } from './rereads.service';
import { DriftService } from './drift.service';

/**
 * What Postgres says reader quality still owes, done on the reconcile tick (every minute, in a
 * worker): raters waiting for a calibration round once sets are ready, and re-reads whose
 * washout has now passed, and drift alerts for new out-of-control chart points. Each step is idempotent, so a second process running it does no harm.
 */
@Injectable()
export class ReaderQualityReconciler {
  constructor(
    private readonly quality: ReaderQualityRepository,
    private readonly qualification: QualificationService,
    private readonly rereads: RereadsService,
    private readonly drift: DriftService,
    private readonly tx: TransactionService,
  ) {}

  @Reconciler('reader-quality')
  // The producer is not needed: the work is done here, in Postgres, not handed to a queue.
  async reconcile(_producer: QueueProducer): Promise<number> {
    let count = 0;
    for (const studyId of await this.quality.studiesRequiringQualification()) {
      count += await this.tx.run((tx) => this.qualification.startWaitingRounds(tx, studyId));
    }
    count += await this.rereads.scheduleAllStudies();
    for (const studyId of await this.quality.studiesWithLiveReads()) {
      count += await this.drift.checkDrift(studyId);
    }
    return count;
  }
}
