import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { Reconciler } from '../queue/reconciler.decorator';
import { OnDomainEvent } from '../events/domain-event.decorator';
import { AfterCommit } from '../database/after-commit';
import { chooseReplacement } from '../reads/pairing';
import { newReadCode } from '../reads/read-code';
import { AssignmentRepository } from '../reads/assignment.repository';
import { ReadsRepository } from '../reads/reads.repository';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { StudiesService } from '../studies/studies.service';
import { MembershipChange } from '../studies/study.events';
import { PairEvaluationEntity } from './adjudication.entities';
import { AdjudicationRepository } from './adjudication.repository';
import { FinalScoresService } from './final-scores.service';
import { evaluatePair } from '../scoring/discordance';
import { evaluateJobVersion } from '../queue/evaluate-version';

type SetRef = { id: string; studyId: string };
type ScoredRead = { id: string; salt: number };

export type EvaluateOutcome =
  'concordant' | 'discordant' | 'awaiting-adjudicator' | 'adjudicator-replaced' | 'not-pending';

/**
 * The `evaluate` job: once both reads of a set are in, applies the study's rule (the settings in
 * force now, at evaluation time). A concordant pair becomes final with the mean; a discordant
 * pair goes to the least-loaded adjudicator who read neither. The same job also hands an open
 * adjudication on when its adjudicator left, since both answer "who settles this pair?".
 */
@Injectable()
export class EvaluationService {
  private readonly logger = new Logger(EvaluationService.name);

  constructor(
    private readonly adjudication: AdjudicationRepository,
    private readonly reads: ReadsRepository,
    private readonly assignment: AssignmentRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly finalScores: FinalScoresService,
    private readonly studies: StudiesService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    private readonly afterCommit: AfterCommit,
  ) {}

  async evaluate(photoSetId: string): Promise<EvaluateOutcome> {
    return this.tx.run(async (tx) => {
      const set = await this.photoSets.lockSet(tx, photoSetId);
      if (set?.status === 'adjudicating') return this.replaceGoneAdjudicator(tx, set.id);
      if (!set || set.status !== 'reading') return 'not-pending';
      // Row locks before the first audit event: the audit chain lock is held to commit, and a
      // deactivation holding a user row lock waits for it (see AssignmentRepository.lockPool).
      await this.assignment.lockPool(tx, set.studyId, 'adjudicator');
      const reads = await this.reads.currentReads(tx, set.id);
      if (reads.length !== 2) return 'not-pending';
      const [readA, readB] = reads;
      const earlier = await this.adjudication.findEvaluation(tx, readA.id, readB.id);
      if (earlier) {
        // A retry after the pair was evaluated: a concordant pair is final already.
        return earlier.outcome === 'concordant'
          ? 'not-pending'
          : this.assignAdjudicator(tx, set, earlier);
      }
      const { evaluation, concordantMean } = await this.recordEvaluation(tx, set, readA, readB);
      if (concordantMean === null) return this.assignAdjudicator(tx, set, evaluation);
      await this.finalScores.finalize(tx, {
        photoSetId: set.id,
        studyId: set.studyId,
        salt: concordantMean,
        source: 'concordant-mean',
        evaluationId: evaluation.id,
        adjudicationDecisionId: null,
        actor: SYSTEM_ACTOR,
      });
      return 'concordant';
    });
  }

  /** Applies the study's rule in force now to the pair, and records the evaluation. */
  private async recordEvaluation(
    tx: EntityManager,
    set: SetRef,
    readA: ScoredRead,
    readB: ScoredRead,
  ): Promise<{ evaluation: PairEvaluationEntity; concordantMean: number | null }> {
    const settings = await this.studies.getSettings(set.studyId, tx);
    const rules = { maxDifference: settings.maxDifference, thresholds: settings.thresholds };
    const result = evaluatePair(readA.salt, readB.salt, rules);
    const evaluation = await this.adjudication.insertEvaluation(tx, {
      photoSetId: set.id,
      readAId: readA.id,
      readBId: readB.id,
      difference: result.difference,
      rulesFired: result.rulesFired,
      rules,
      outcome: result.discordant ? 'discordant' : 'concordant',
    });
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: AuditAction.PairEvaluated,
      entityType: 'photo-set',
      entityId: set.id,
      studyId: set.studyId,
      after: {
        photoSetId: set.id,
        evaluationId: evaluation.id,
        readAId: readA.id,
        readBId: readB.id,
        saltA: readA.salt,
        saltB: readB.salt,
        difference: result.difference,
        rulesFired: result.rulesFired,
        rules,
        outcome: evaluation.outcome,
      },
    });
    return { evaluation, concordantMean: result.concordantMean };
  }

  /** A discordant pair goes to an adjudicator, or waits when none may take it. */
  private async assignAdjudicator(
    tx: EntityManager,
    set: SetRef,
    evaluation: PairEvaluationEntity,
  ): Promise<EvaluateOutcome> {
    // Adjudicators who held a read task on this set, even one handed on, are excluded: the
    // adjudicator's judgement must be independent of both reads.
    const excluded = new Set(await this.assignment.everyRaterOf(tx, set.id));
    const adjudicatorId = await this.pickAdjudicator(tx, set.studyId, excluded);
    if (!adjudicatorId) return 'awaiting-adjudicator';
    const task = await this.adjudication.insertTask(tx, {
      photoSetId: set.id,
      studyId: set.studyId,
      evaluationId: evaluation.id,
      adjudicatorId,
      code: newReadCode(),
      queueKey: Math.random(),
    });
    await this.photoSets.transition(tx, set.id, 'reading', 'adjudicating');
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: AuditAction.AdjudicationAssigned,
      entityType: 'adjudication-task',
      entityId: task.id,
      studyId: set.studyId,
      after: {
        photoSetId: set.id,
        adjudicationTaskId: task.id,
        adjudicatorId,
        code: task.code,
        evaluationId: evaluation.id,
        rulesFired: evaluation.rulesFired,
      },
    });
    return 'discordant';
  }

  private async pickAdjudicator(
    tx: EntityManager,
    studyId: string,
    excluded: ReadonlySet<string>,
  ): Promise<string | null> {
    const members = await this.studies.membersWithRole(tx, studyId, 'adjudicator');
    const loads = await this.adjudication.adjudicatorLoads(
      tx,
      members.map((member) => member.userId),
    );
    return chooseReplacement(loads, excluded);
  }

  private async replaceGoneAdjudicator(
    tx: EntityManager,
    photoSetId: string,
  ): Promise<EvaluateOutcome> {
    const task = await this.adjudication.openTaskOfSet(tx, photoSetId);
    if (!task) return 'not-pending';
    await this.assignment.lockPool(tx, task.studyId, 'adjudicator');
    const members = await this.studies.membersWithRole(tx, task.studyId, 'adjudicator');
    if (members.some((member) => member.userId === task.adjudicatorId)) return 'not-pending';
    const excluded = new Set([
      ...(await this.assignment.everyRaterOf(tx, photoSetId)),
      task.adjudicatorId,
    ]);
    const adjudicatorId = await this.pickAdjudicator(tx, task.studyId, excluded);
    if (!adjudicatorId) return 'awaiting-adjudicator';
    const code = newReadCode();
    await this.adjudication.handOver(tx, task.id, adjudicatorId, code);
    await this.audit.record(tx, {
      actor: SYSTEM_ACTOR,
      action: AuditAction.AdjudicationAssigned,
      entityType: 'adjudication-task',
      entityId: task.id,
      studyId: task.studyId,
      before: { adjudicatorId: task.adjudicatorId, code: task.code },
      after: { photoSetId, adjudicationTaskId: task.id, adjudicatorId, code, handedOver: true },
    });
    return 'adjudicator-replaced';
  }

  // ---- events and reconciliation -------------------------------------------------------------

  /** A deactivated adjudicator's open adjudications are handed on once the deactivation commits. */
  @OnDomainEvent('user.deactivated')
  async onAdjudicatorGone(tx: EntityManager, { userId }: { userId: string }): Promise<void> {
    const open = await this.adjudication.openAdjudicationsOf(tx, userId);
    this.afterCommit.run(tx, () => this.ensureHandOvers(this.producer, open));
  }

  @OnDomainEvent('study.membership-changed')
  async onMembershipChanged(tx: EntityManager, change: MembershipChange): Promise<void> {
    if (change.removedRoles.includes('adjudicator')) {
      const open = await this.adjudication.openAdjudicationsOf(tx, change.userId, change.studyId);
      this.afterCommit.run(tx, () => this.ensureHandOvers(this.producer, open));
    }
    if (change.addedRoles.includes('adjudicator')) {
      // Discordant pairs that found no adjudicator can move on now.
      const pairs = await this.adjudication.pairsAwaitingEvaluation(tx, change.studyId);
      this.afterCommit.run(tx, () => this.ensureEvaluations(this.producer, pairs));
    }
  }

  private async ensureEvaluations(
    producer: QueueProducer,
    pairs: { photoSetId: string; readIds: string[] }[],
  ): Promise<number> {
    let count = 0;
    for (const { photoSetId, readIds } of pairs) {
      const state = await producer.ensure(
        QueueName.Evaluate,
        photoSetId,
        { photoSetId },
        { version: evaluateJobVersion(readIds) },
      );
      if (state !== 'pending') count++;
    }
    return count;
  }

  private async ensureHandOvers(
    producer: QueueProducer,
    open: { photoSetId: string; taskId: string; adjudicatorId: string }[],
  ): Promise<number> {
    let count = 0;
    for (const { photoSetId, taskId, adjudicatorId } of open) {
      const state = await producer.ensure(
        QueueName.Evaluate,
        photoSetId,
        { photoSetId },
        { version: `${taskId}-${adjudicatorId}` },
      );
      if (state !== 'pending') count++;
    }
    return count;
  }

  @Reconciler('adjudication')
  async reconcile(producer: QueueProducer): Promise<number> {
    const manager = this.tx.manager;
    const count =
      (await this.ensureEvaluations(
        producer,
        await this.adjudication.pairsAwaitingEvaluation(manager),
      )) +
      (await this.ensureHandOvers(
        producer,
        await this.adjudication.orphanedAdjudications(manager),
      ));
    if (count) this.logger.log(`re-enqueued ${count} evaluation jobs`);
    return count;
  }
}
