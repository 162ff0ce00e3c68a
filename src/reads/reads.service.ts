import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { actorOf, Principal } from '../auth/principal';
import { conflict, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { evaluateJobVersion } from '../queue/evaluate-version';
import { RenditionSize } from '../photo-sets/photo-image.entity';
import { View } from '../photo-sets/photo-set.entity';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { AfterCommit } from '../database/after-commit';
import { DraftDto, ScoresDto } from './dto/scores.dto';
import { SignatureMeaning } from '../signatures/signature';
import { StudyLockService } from '../studies/study-lock.service';
import { SignaturesService, SigningRequirement } from '../signatures/signatures.service';
import { notEvaluableViews, ReadSubmissionDto } from './dto/not-evaluable.dto';
import { DomainEvents } from '../events/domain-events.service';
import './read.events';
import { Rendition } from '../blinded-images/blinded-image';
import { PhotoImagesService } from '../photo-sets/photo-images.service';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { QualificationService } from '../reader-quality/qualification.service';
import { ReadsRepository, ReadCounts } from './reads.repository';
import { ReadTaskEntity } from './read-task.entity';
import { toReadTaskView, ReadTaskView } from './read-task.view';
import { computeSalt, RegionScores, SCORED_VIEWS } from '../scoring/salt';
import { withDefaults } from '../studies/study-settings';

export interface ReadQueue {
  items: { id: string; readCode: string; status: string }[];
  counts: ReadCounts;
}

export interface SubmittedScore {
  salt: number;
  submittedAt: string;
}

/** A not-evaluable answer: no read, an image query instead. */
export interface NotEvaluableRecorded {
  notEvaluable: View[];
  submittedAt: string;
}

const NOT_FOUND = 'Read not found';

/** A reopened read's new version is a correction; the first version attests the assessment. */
function signingMeaning(task: ReadTaskEntity): SignatureMeaning {
  return task.version > 1 ? SignatureMeaning.Corrected : SignatureMeaning.Read;
}

function sameScores(a: RegionScores, b: RegionScores): boolean {
  return SCORED_VIEWS.every((view) => a[view] === b[view]);
}

/**
 * The rater's side of a read. Every method is scoped to the caller's own tasks: anything else
 * is 404 whether or not it exists, so probing ids reveals nothing.
 */
@Injectable()
export class ReadsService {
  constructor(
    private readonly reads: ReadsRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly images: PhotoImagesService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    private readonly afterCommit: AfterCommit,
    private readonly qualification: QualificationService,
    private readonly events: DomainEvents,
    private readonly signatures: SignaturesService,
    private readonly locks: StudyLockService,
  ) {}

  async queue(principal: Principal): Promise<ReadQueue> {
    const [items, counts] = await Promise.all([
      this.reads.openTasks(principal.userId),
      this.reads.counts(principal.userId),
    ]);
    return { items, counts };
  }

  /**
   * The caller's next open task in their own random order. Tasks belong to one rater from the
   * moment they are assigned, so parallel calls by two raters can never return the same task,
   * and parallel calls by one rater all return the same one.
   */
  async next(principal: Principal): Promise<ReadTaskView | null> {
    const task = await this.reads.nextOpenTask(principal.userId);
    return task ? toReadTaskView(task, null) : null;
  }

  async get(principal: Principal, taskId: string): Promise<ReadTaskView> {
    const task = await this.ownTask(principal, taskId);
    const read =
      task.status === 'submitted'
        ? await this.reads.readOf(undefined, task.id, task.version)
        : null;
    return toReadTaskView(task, read);
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

  async saveDraft(principal: Principal, taskId: string, draft: DraftDto): Promise<void> {
    const values = Object.fromEntries(
      SCORED_VIEWS.filter((view) => draft[view] !== undefined).map((view) => [view, draft[view]]),
    );
    if (await this.reads.saveDraft(principal.userId, taskId, values)) return;
    const task = await this.ownTask(principal, taskId);
    if (task.status === 'submitted') throw conflict('This read has already been scored');
  }

  /** A rater's answer: four scores (a read), or some views not evaluable (an image query). */
  async answer(
    principal: Principal,
    taskId: string,
    input: ReadSubmissionDto,
    idempotencyKey: string | null,
  ): Promise<SubmittedScore | NotEvaluableRecorded> {
    if (input.notEvaluable) return this.notEvaluable(principal, taskId, input);
    return this.submit(principal, taskId, input as ScoresDto, idempotencyKey);
  }

  /**
   * Some views cannot be scored: no read is recorded. The views that were scored stay as the
   * draft, and 'read.not-evaluable' opens the image query (src/queries/), which withdraws the
   * set's open tasks in this same transaction.
   */
  private async notEvaluable(
    principal: Principal,
    taskId: string,
    input: ReadSubmissionDto,
  ): Promise<NotEvaluableRecorded> {
    const views = notEvaluableViews(input.notEvaluable);
    return this.tx.run(async (tx) => {
      const peek = await this.reads.ownTask(principal.userId, taskId, tx);
      if (!peek) throw notFound(NOT_FOUND);
      await this.locks.assertOpen(tx, peek.studyId);
      await this.photoSets.lockSet(tx, peek.photoSetId);
      const task = await this.reads.lockTask(tx, taskId);
      if (
        !task ||
        task.raterId !== principal.userId ||
        !['assigned', 'submitted'].includes(task.status)
      ) {
        throw notFound(NOT_FOUND);
      }
      if (task.status === 'submitted') throw conflict('This read has already been scored');
      if (task.reopenReason !== null) {
        throw conflict('A read reopened for a correction must be scored');
      }
      // Calibration and re-read tasks score a set whose images are settled already.
      if (task.kind !== 'live') throw conflict('This read must be scored');
      const draft = Object.fromEntries(
        SCORED_VIEWS.filter((view) => input[view] !== undefined).map((view) => [view, input[view]]),
      );
      await this.reads.keepDraft(tx, task.id, draft);
      await this.events.publish(tx, 'read.not-evaluable', {
        photoSetId: task.photoSetId,
        studyId: task.studyId,
        raisedBy: { userId: principal.userId, name: principal.name, role: 'rater' },
        taskId: task.id,
        views,
      });
      return { notEvaluable: views.map((v) => v.view), submittedAt: new Date().toISOString() };
    });
  }

  async submit(
    principal: Principal,
    taskId: string,
    input: ScoresDto & { password?: string },
    idempotencyKey: string | null,
  ): Promise<SubmittedScore> {
    const { top, back, left, right } = input;
    const scores: RegionScores = { top, back, left, right };
    // The server's SALT, from the four values; nothing the client computed is trusted.
    const salt = computeSalt(scores);
    // Signed before the transaction (the password check is slow); a refusal writes nothing.
    const toSign = await this.reads.ownTaskToSign(principal.userId, taskId, principal.credentialId);
    if (!toSign) throw notFound(NOT_FOUND);
    const signed = toSign.task;
    const grant = await this.signatures.authorizeWith(
      principal,
      {
        studyId: signed.studyId,
        state: toSign.signing,
        everySigning: withDefaults(toSign.studySettings).signatureEverySigning,
      },
      signingMeaning(signed),
      input.password,
    );
    return this.tx.run(async (tx) => {
      // A task's set and study never change, so `signed` (read just now) names them; the task's
      // rater and status are checked again under its lock. The set's lock serialises both
      // raters' submissions, so exactly one of them sees the pair complete and starts its
      // evaluation.
      const task = await this.reads.lockForSubmission(tx, signed);
      if (
        !task ||
        task.raterId !== principal.userId ||
        !['assigned', 'submitted'].includes(task.status)
      ) {
        throw notFound(NOT_FOUND);
      }
      if (task.status === 'submitted') {
        await this.locks.assertOpen(tx, task.studyId);
        return this.resubmission(tx, task, scores, idempotencyKey);
      }
      // One statement: the read, the task's status, the signature, the audit event, the other
      // reads of the set already in, and the study lock's check.
      const readId = randomUUID();
      const signature = this.signatures.manifestation(grant);
      const read = await this.reads.submitRead(
        tx,
        {
          id: readId,
          readTaskId: task.id,
          photoSetId: task.photoSetId,
          raterId: task.raterId,
          version: task.version,
          ...scores,
          salt,
          idempotencyKey,
          correctionReason: task.reopenReason,
        },
        {
          studyId: task.studyId,
          signature: (firstParam) =>
            this.signatures.prepare(
              grant,
              signature,
              { recordType: 'read', recordId: readId, studyId: task.studyId },
              firstParam,
            ),
          audit: (firstParam) =>
            this.audit.prepare(
              tx,
              {
                actor: actorOf(principal, 'rater'),
                action: AuditAction.ReadSubmitted,
                entityType: 'read-task',
                entityId: task.id,
                studyId: task.studyId,
                after: {
                  photoSetId: task.photoSetId,
                  readTaskId: task.id,
                  readId,
                  readCode: task.readCode,
                  version: task.version,
                  ...scores,
                  salt,
                  signature,
                },
                reason: task.reopenReason,
              },
              firstParam,
            ),
        },
      );
      if (!read.studyOpen) throw await this.locks.refusal(tx, task.studyId);
      // A calibration or re-read is never part of a pair: reader quality takes it from here.
      if (task.kind === 'live') this.evaluateWhenPaired(tx, task, [read.id, ...read.otherReadIds]);
      else await this.qualification.qualityReadSubmitted(tx, task.id);
      return { salt: read.salt, submittedAt: read.submittedAt.toISOString() };
    });
  }

  /** What the signing form of the caller's task shows: printed name, meaning, password or not. */
  async signing(principal: Principal, taskId: string): Promise<SigningRequirement> {
    const task = await this.ownTask(principal, taskId);
    return this.signatures.requirement(principal, task.studyId, signingMeaning(task));
  }

  /**
   * A submission to a task already submitted: a retry (same idempotency key, same scores) gets
   * the first answer again; anything else is a conflict.
   */
  private async resubmission(
    tx: EntityManager,
    task: ReadTaskEntity,
    scores: RegionScores,
    idempotencyKey: string | null,
  ): Promise<SubmittedScore> {
    const earlier = await this.reads.readOf(tx, task.id, task.version);
    if (
      earlier &&
      idempotencyKey !== null &&
      earlier.idempotencyKey === idempotencyKey &&
      sameScores(earlier, scores)
    ) {
      return { salt: earlier.salt, submittedAt: earlier.submittedAt.toISOString() };
    }
    throw conflict('This read has already been scored');
  }

  /** `readIds`: the set's current reads, this submission's included. */
  private evaluateWhenPaired(tx: EntityManager, task: ReadTaskEntity, readIds: string[]): void {
    if (readIds.length !== 2) return;
    const photoSetId = task.photoSetId;
    const version = evaluateJobVersion(readIds);
    this.afterCommit.run(tx, () =>
      this.producer.enqueue(QueueName.Evaluate, photoSetId, { photoSetId }, { version }),
    );
  }

  private async ownTask(principal: Principal, taskId: string): Promise<ReadTaskEntity> {
    const task = await this.reads.ownTask(principal.userId, taskId);
    if (!task) throw notFound(NOT_FOUND);
    return task;
  }
}
