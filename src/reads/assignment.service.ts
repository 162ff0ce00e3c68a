import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { Reconciler } from '../queue/reconciler.decorator';
import { OnDomainEvent } from '../events/domain-event.decorator';
import { MembershipChange } from '../studies/study.events';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { StudySettings, withDefaults } from '../studies/study-settings';
import { AfterCommit } from '../database/after-commit';
import { QualificationService } from '../reader-quality/qualification.service';
import { AssignmentRepository, LockedPhotoSet } from './assignment.repository';
import { choosePair, chooseReplacement } from './pairing';
import { newReadCode } from './read-code';
import { ReadsRepository } from './reads.repository';

export type AssignOutcome = 'assigned' | 'awaiting-raters' | 'not-pending';
export type ReassignOutcome = 'reassigned' | 'no-replacement' | 'not-needed';

/**
 * Who reads what: the `assign` job gives a ready set to two raters, the `reassign` job hands a
 * leaving rater's unsubmitted task to another. Both act only after a conditional check on the
 * rows they change, so a job that runs twice (retry, reconciler, two workers) does nothing twice;
 * the partial unique indexes on read_tasks are the last line of defence.
 */
@Injectable()
export class AssignmentService {
  private readonly logger = new Logger(AssignmentService.name);

  constructor(
    private readonly reads: ReadsRepository,
    private readonly assignment: AssignmentRepository,
    private readonly photoSets: PhotoSetsRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    private readonly afterCommit: AfterCommit,
    private readonly qualification: QualificationService,
  ) {}

  enqueueAssign(photoSetId: string): Promise<string> {
    return this.producer.enqueue(QueueName.Assign, photoSetId, { photoSetId });
  }

  // ---- assign --------------------------------------------------------------------------------

  async assign(photoSetId: string): Promise<AssignOutcome> {
    return this.tx.run(async (tx) => {
      const set = await this.assignment.lockForAssignment(tx, photoSetId);
      if (!set || (set.status !== 'ready' && set.status !== 'awaiting-raters')) {
        return 'not-pending';
      }
      // The study settings at assignment time decide the pairing.
      const { pairing } = withDefaults(set.settings);
      const perSubject = pairing === 'per-subject';
      if (perSubject) await this.assignment.lockSubject(tx, set.subjectId);
      // Calibration sets are never read live; only qualified, unsuspended raters read live sets.
      if (await this.qualification.isCalibrationSet(tx, set.id)) return 'not-pending';
      const eligible = await this.qualification.liveRaters(
        tx,
        set.studyId,
        await this.assignment.eligibleRaters(tx, set.studyId),
        set.settings,
      );
      const pair = choosePair({
        mode: pairing,
        eligible,
        subjectPair: perSubject
          ? await this.assignment.subjectPair(tx, set.subjectId, set.id)
          : null,
      });
      if (!pair) return this.awaitRaters(tx, set, eligible.length);
      return this.startReading(tx, set, pair, pairing);
    });
  }

  /** Not an error: the set waits and is assigned once raters join (event + reconciler). */
  private async awaitRaters(
    tx: EntityManager,
    set: LockedPhotoSet,
    eligibleRaters: number,
  ): Promise<AssignOutcome> {
    if (await this.photoSets.transition(tx, set.id, ['ready'], 'awaiting-raters')) {
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.SetAwaitingRaters,
        entityType: 'photo-set',
        entityId: set.id,
        studyId: set.studyId,
        before: { status: 'ready' },
        after: { photoSetId: set.id, status: 'awaiting-raters', eligibleRaters },
      });
    }
    return 'awaiting-raters';
  }

  /** The set moves to reading with both tasks of its pair, each under a fresh read code. */
  private async startReading(
    tx: EntityManager,
    set: LockedPhotoSet,
    pair: [string, string],
    pairing: StudySettings['pairing'],
  ): Promise<AssignOutcome> {
    if (!(await this.photoSets.transition(tx, set.id, set.status, 'reading'))) {
      return 'not-pending';
    }
    const tasks = await this.assignment.insertPair(
      tx,
      set.id,
      set.studyId,
      pair.map((raterId, index) => ({
        slot: (index + 1) as 1 | 2,
        raterId,
        readCode: newReadCode(),
        queueKey: Math.random(),
      })),
    );
    // Audit events last: the audit chain lock is held from the first append to the commit.
    for (const task of tasks) {
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.ReadAssigned,
        entityType: 'read-task',
        entityId: task.id,
        studyId: set.studyId,
        after: {
          photoSetId: set.id,
          readTaskId: task.id,
          slot: task.slot,
          raterId: task.raterId,
          readCode: task.readCode,
          pairing,
        },
      });
    }
    return 'assigned';
  }

  // ---- reassign ------------------------------------------------------------------------------

  async reassign(readTaskId: string): Promise<ReassignOutcome> {
    return this.tx.run(async (tx) => {
      const peek = await this.reads.taskById(tx, readTaskId);
      if (!peek || peek.status !== 'assigned') return 'not-needed';
      // Same lock order as assignment and submission: the set first, then the task.
      await this.photoSets.lockSet(tx, peek.photoSetId);
      const task = await this.reads.lockTask(tx, readTaskId);
      if (!task || task.status !== 'assigned') return 'not-needed';
      // A calibration or re-read task belongs to its rater alone: it is never handed on.
      if (task.kind !== 'live') return 'not-needed';
      const eligible = await this.qualification.liveRaters(
        tx,
        task.studyId,
        await this.assignment.eligibleRaters(tx, task.studyId),
      );
      if (eligible.some((rater) => rater.raterId === task.raterId)) return 'not-needed';
      // Nobody who ever held a task on this set may take it: they have seen the images already.
      const excluded = new Set(await this.assignment.everyRaterOf(tx, task.photoSetId));
      const replacement = chooseReplacement(eligible, excluded);
      if (!replacement) return 'no-replacement';
      await this.assignment.markReassigned(tx, task.id);
      const next = await this.assignment.insertTask(tx, {
        photoSetId: task.photoSetId,
        studyId: task.studyId,
        slot: task.slot,
        raterId: replacement,
        readCode: newReadCode(),
        queueKey: Math.random(),
        version: task.version,
        replacesTaskId: task.id,
      });
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.ReadReassigned,
        entityType: 'read-task',
        entityId: task.id,
        studyId: task.studyId,
        before: { raterId: task.raterId, readCode: task.readCode, status: 'assigned' },
        after: {
          photoSetId: task.photoSetId,
          readTaskId: next.id,
          replacesReadTaskId: task.id,
          slot: task.slot,
          raterId: replacement,
          readCode: next.readCode,
        },
      });
      return 'reassigned';
    });
  }

  // ---- events --------------------------------------------------------------------------------

  /** A ready set is given to two raters once it commits; the job id makes repeats harmless. */
  @OnDomainEvent('photo-set.ready')
  onSetReady(tx: EntityManager, { photoSetId }: { photoSetId: string }): Promise<void> {
    this.afterCommit.run(tx, () => this.enqueueAssign(photoSetId));
    return Promise.resolve();
  }

  /** A deactivated user's open tasks move on, in every study, once the deactivation commits. */
  @OnDomainEvent('user.deactivated')
  async onRaterGone(tx: EntityManager, { userId }: { userId: string }): Promise<void> {
    const taskIds = await this.assignment.openTasksOf(tx, userId);
    this.afterCommit.run(tx, () => this.enqueueReassign(taskIds));
  }

  @OnDomainEvent('study.membership-changed')
  async onMembershipChanged(tx: EntityManager, change: MembershipChange): Promise<void> {
    if (change.removedRoles.includes('rater')) {
      const taskIds = await this.assignment.openTasksOf(tx, change.userId, change.studyId);
      this.afterCommit.run(tx, () => this.enqueueReassign(taskIds));
    }
    if (change.addedRoles.includes('rater')) {
      // A new rater may unblock sets waiting for raters and tasks waiting for a replacement.
      const setIds = await this.assignment.setsAwaitingRaters(tx, change.studyId);
      const stuck = await this.assignment.tasksNeedingReassignment(tx, change.studyId);
      this.afterCommit.run(tx, async () => {
        for (const id of setIds)
          await this.producer.ensure(QueueName.Assign, id, { photoSetId: id });
        await this.enqueueReassign(stuck);
      });
    }
  }

  private async enqueueReassign(taskIds: string[]): Promise<void> {
    for (const readTaskId of taskIds) {
      await this.producer.ensure(QueueName.Reassign, readTaskId, { readTaskId });
    }
  }

  /** What Postgres says is pending: unassigned sets and tasks held by someone no longer eligible. */
  @Reconciler('reads')
  async reconcile(producer: QueueProducer): Promise<number> {
    let count = 0;
    const manager = this.tx.manager;
    for (const id of await this.assignment.setsAwaitingRaters(manager)) {
      if ((await producer.ensure(QueueName.Assign, id, { photoSetId: id })) !== 'pending') count++;
    }
    for (const readTaskId of await this.assignment.tasksNeedingReassignment(manager)) {
      const state = await producer.ensure(QueueName.Reassign, readTaskId, { readTaskId });
      if (state !== 'pending') count++;
    }
    if (count) this.logger.log(`re-enqueued ${count} assignment jobs`);
    return count;
  }
}
