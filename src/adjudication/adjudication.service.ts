import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, invalid, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { RenditionSize } from '../photo-sets/photo-image.entity';
import { View } from '../photo-sets/photo-set.entity';
import { Rendition } from '../blinded-images/blinded-image';
import { PhotoImagesService } from '../photo-sets/photo-images.service';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { computeSalt, RegionScores } from '../scoring/salt';
import { StudiesService } from '../studies/studies.service';
import { StudyLockService } from '../studies/study-lock.service';
import { SignatureMeaning } from '../signatures/signature';
import { SignaturesService, SigningRequirement } from '../signatures/signatures.service';
import { AdjudicationTaskEntity } from './adjudication.entities';
import { AdjudicationCounts, AdjudicationRepository } from './adjudication.repository';
import { AdjudicationTaskView, decisionView, imageUrls } from './adjudication-task.view';
import { DecisionDto } from './dto/decision.dto';
import { notEvaluableViews } from '../reads/dto/not-evaluable.dto';
import { DomainEvents } from '../events/domain-events.service';
import '../reads/read.events';
import { FinalScoresService } from './final-scores.service';

export interface AdjudicationQueue {
  items: { id: string; code: string; status: string }[];
  counts: AdjudicationCounts;
}

export interface DecisionResult {
  finalSalt: number;
  decidedAt: string;
}

/** A not-evaluable answer: no decision, an image query instead. */
export interface AdjudicationQueryRaised {
  notEvaluable: View[];
  submittedAt: string;
}

const NOT_FOUND = 'Adjudication not found';

/** The adjudicator's own scores: required with choice 'own', refused with A or B. */
function ownScores(input: DecisionDto): RegionScores | null {
  if (input.choice === 'own' && !input.scores) {
    throw invalid(["scores are required when choice is 'own'"]);
  }
  if (input.choice !== 'own' && input.scores) {
    throw invalid(["scores must be omitted unless choice is 'own'"]);
  }
  if (!input.scores) return null;
  const { top, back, left, right } = input.scores;
  return { top, back, left, right };
}

/** The adjudicator's side: their own tasks only, anything else is 404. */
@Injectable()
export class AdjudicationService {
  constructor(
    private readonly adjudication: AdjudicationRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly finalScores: FinalScoresService,
    private readonly studies: StudiesService,
    private readonly images: PhotoImagesService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly signatures: SignaturesService,
    private readonly locks: StudyLockService,
  ) {}

  async queue(principal: Principal): Promise<AdjudicationQueue> {
    const [items, counts] = await Promise.all([
      this.adjudication.openTasks(principal.userId),
      this.adjudication.counts(principal.userId),
    ]);
    return { items, counts };
  }

  async next(principal: Principal): Promise<AdjudicationTaskView | null> {
    const task = await this.adjudication.nextOpenTask(principal.userId);
    return task ? this.view(task) : null;
  }

  async get(principal: Principal, taskId: string): Promise<AdjudicationTaskView> {
    return this.view(await this.ownTask(principal, taskId));
  }

  async image(
    principal: Principal,
    taskId: string,
    view: View,
    size: RenditionSize,
  ): Promise<Rendition> {
    const task = await this.ownTask(principal, taskId);
    return this.images.openRendition(task.photoSetId, view, size);
  }

  /** A decision, or (some views not evaluable) an image query to the coordinator. */
  async answer(
    principal: Principal,
    taskId: string,
    input: DecisionDto,
  ): Promise<DecisionResult | AdjudicationQueryRaised> {
    if (input.notEvaluable) return this.notEvaluable(principal, taskId, input);
    return this.decide(principal, taskId, input);
  }

  /**
   * The adjudicator cannot judge some views: no decision. 'read.not-evaluable' opens the image
   * query (src/queries/), which withdraws this task in the same transaction.
   */
  private async notEvaluable(
    principal: Principal,
    taskId: string,
    input: DecisionDto,
  ): Promise<AdjudicationQueryRaised> {
    const problems = [
      ...(input.choice !== undefined
        ? ['choice must be omitted when views are not evaluable: the image query comes first']
        : []),
      ...(input.scores !== undefined
        ? ['scores must be omitted when views are not evaluable']
        : []),
    ];
    if (problems.length) throw invalid(problems);
    const views = notEvaluableViews(input.notEvaluable);
    return this.tx.run(async (tx) => {
      const peek = await this.adjudication.ownTask(principal.userId, taskId, tx);
      if (!peek) throw notFound(NOT_FOUND);
      await this.locks.assertOpen(tx, peek.studyId);
      await this.photoSets.lockSet(tx, peek.photoSetId);
      const task = await this.adjudication.ownTask(principal.userId, taskId, tx);
      if (!task) throw notFound(NOT_FOUND);
      if (task.status !== 'open') throw conflict('This adjudication has already been decided');
      await this.events.publish(tx, 'read.not-evaluable', {
        photoSetId: task.photoSetId,
        studyId: task.studyId,
        raisedBy: { userId: principal.userId, name: principal.name, role: 'adjudicator' },
        taskId: task.id,
        views,
      });
      return { notEvaluable: views.map((v) => v.view), submittedAt: new Date().toISOString() };
    });
  }

  async decide(principal: Principal, taskId: string, input: DecisionDto): Promise<DecisionResult> {
    const own = ownScores(input);
    const rationale = input.rationale.trim();
    // Signed before the transaction (the password check is slow); a refusal writes nothing.
    const signed = await this.ownTask(principal, taskId);
    const grant = await this.signatures.authorize(
      principal,
      signed.studyId,
      SignatureMeaning.Adjudicated,
      input.password,
    );
    return this.tx.run(async (tx) => {
      const task = await this.claimTask(tx, principal, taskId, input.choice);
      const evaluation = await this.adjudication.evaluationById(tx, task.evaluationId);
      const chosenReadId =
        input.choice === 'A'
          ? evaluation.readAId
          : input.choice === 'B'
            ? evaluation.readBId
            : null;
      const salt = await this.decidedSalt(tx, own, chosenReadId);
      const decision = await this.adjudication.insertDecision(tx, {
        adjudicationTaskId: task.id,
        photoSetId: task.photoSetId,
        adjudicatorId: principal.userId,
        choice: input.choice,
        own,
        salt,
        rationale,
      });
      const signature = await this.signatures.record(tx, grant, {
        recordType: 'adjudication-decision',
        recordId: decision.id,
        studyId: task.studyId,
      });
      const actor = actorOf(principal, 'adjudicator');
      await this.audit.record(tx, {
        actor,
        action: AuditAction.AdjudicationDecided,
        entityType: 'adjudication-task',
        entityId: task.id,
        studyId: task.studyId,
        after: {
          photoSetId: task.photoSetId,
          adjudicationTaskId: task.id,
          decisionId: decision.id,
          choice: input.choice,
          readId: chosenReadId,
          ...(own ?? {}),
          salt,
          signature,
        },
        reason: rationale,
      });
      await this.finalScores.finalize(tx, {
        photoSetId: task.photoSetId,
        studyId: task.studyId,
        salt,
        source: 'adjudicated',
        evaluationId: evaluation.id,
        adjudicationDecisionId: decision.id,
        actor,
      });
      return { finalSalt: salt, decidedAt: decision.decidedAt.toISOString() };
    });
  }

  /** What the signing form of the caller's adjudication shows: name, meaning, password or not. */
  async signing(principal: Principal, taskId: string): Promise<SigningRequirement> {
    const task = await this.ownTask(principal, taskId);
    return this.signatures.requirement(principal, task.studyId, SignatureMeaning.Adjudicated);
  }

  /** The decided SALT: the adjudicator's own, or the chosen read's as it was stored. */
  private async decidedSalt(
    tx: EntityManager,
    own: RegionScores | null,
    readId: string | null,
  ): Promise<number> {
    if (own) return computeSalt(own);
    if (readId === null) throw new Error('a decision needs own scores or a chosen read');
    return (await this.adjudication.scoresOfRead(tx, readId)).salt;
  }

  /**
   * Marks the caller's open task decided, under the set's row lock (as evaluation and
   * corrections take it), once the study allows the choice.
   */
  private async claimTask(
    tx: EntityManager,
    principal: Principal,
    taskId: string,
    choice: DecisionDto['choice'],
  ): Promise<AdjudicationTaskEntity> {
    const peek = await this.adjudication.ownTask(principal.userId, taskId, tx);
    if (!peek) throw notFound(NOT_FOUND);
    await this.locks.assertOpen(tx, peek.studyId);
    await this.photoSets.lockSet(tx, peek.photoSetId);
    const settings = await this.studies.getSettings(peek.studyId, tx);
    if (choice === 'own' && settings.adjudication !== 'select-or-own') {
      throw invalid(["choice 'own' is not allowed in this study: choose A or B"]);
    }
    const task = await this.adjudication.markDecided(tx, taskId, principal.userId);
    if (!task) throw conflict('This adjudication has already been decided');
    return task;
  }

  private async view(task: AdjudicationTaskEntity): Promise<AdjudicationTaskView> {
    const evaluation = await this.adjudication.evaluationById(undefined, task.evaluationId);
    const [readA, readB, settings, decision] = await Promise.all([
      this.adjudication.scoresOfRead(undefined, evaluation.readAId),
      this.adjudication.scoresOfRead(undefined, evaluation.readBId),
      this.studies.getSettings(task.studyId),
      task.status === 'decided' ? this.adjudication.decisionOf(task.id) : Promise.resolve(null),
    ]);
    return {
      id: task.id,
      code: task.code,
      // ownTask never returns a withdrawn or voided task.
      status: task.status === 'decided' ? 'decided' : 'open',
      images: imageUrls('/api/v1/adjudications', task.id),
      readA,
      readB,
      difference: evaluation.difference,
      rulesFired: evaluation.rulesFired,
      rules: {
        maxDifference: evaluation.rules.maxDifference,
        thresholds: [...evaluation.rules.thresholds],
      },
      allowOwn: settings.adjudication === 'select-or-own',
      decision: decisionView(decision),
      ...(task.status === 'open' &&
        task.queryComment !== null && {
          queryComment: task.queryComment,
        }),
    };
  }

  private async ownTask(principal: Principal, taskId: string): Promise<AdjudicationTaskEntity> {
    const task = await this.adjudication.ownTask(principal.userId, taskId);
    if (!task) throw notFound(NOT_FOUND);
    return task;
  }
}
