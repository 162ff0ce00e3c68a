import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditActor, AuditService } from '../audit/audit.service';
import { PhotoSetStatus } from '../common/photo-set-status';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { FinalSource } from './adjudication.entities';
import { AdjudicationRepository } from './adjudication.repository';

export interface FinalizeInput {
  photoSetId: string;
  studyId: string;
  salt: number;
  source: FinalSource;
  evaluationId: string;
  adjudicationDecisionId: string | null;
  actor: AuditActor;
}

/** A concordant pair is final straight from reading; a discordant one after its adjudication. */
const FINAL_FROM: Record<FinalSource, PhotoSetStatus> = {
  'concordant-mean': 'reading',
  adjudicated: 'adjudicating',
};

/**
 * The one way a set's score becomes final, for both a concordant evaluation and an adjudicator's
 * decision: the next version of its final score, the set's move to 'final', and the audit event.
 * Call it inside the transaction that holds the set's row lock, after the event that caused it.
 */
@Injectable()
export class FinalScoresService {
  constructor(
    private readonly adjudication: AdjudicationRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly audit: AuditService,
  ) {}

  async finalize(tx: EntityManager, input: FinalizeInput): Promise<void> {
    const final = await this.adjudication.insertFinal(tx, {
      photoSetId: input.photoSetId,
      salt: input.salt,
      source: input.source,
      evaluationId: input.evaluationId,
      adjudicationDecisionId: input.adjudicationDecisionId,
    });
    const from = FINAL_FROM[input.source];
    if (!(await this.photoSets.transition(tx, input.photoSetId, from, 'final'))) {
      // Callers hold the set's lock and checked its status; anything else is a bug, and a final
      // score must never stand beside a set that is not final.
      throw new Error(
        `photo set ${input.photoSetId} was not ${from} when its result was finalized`,
      );
    }
    await this.audit.record(tx, {
      actor: input.actor,
      action: AuditAction.ResultFinalized,
      entityType: 'photo-set',
      entityId: input.photoSetId,
      studyId: input.studyId,
      after: {
        photoSetId: input.photoSetId,
        finalScoreId: final.id,
        version: final.version,
        salt: input.salt,
        source: input.source,
      },
    });
  }
}
