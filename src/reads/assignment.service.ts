import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { readAssignedEvent } from './read-assigned-event';
import { TransactionService } from '../database/transaction.service';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { Reconciler } from '../queue/reconciler.decorator';
import { OnDomainEvent } from '../events/domain-event.decorator';
import { MembershipChange } from '../studies/study.events';
import { PhotoSetsRepository } from '../photo-sets/photo-sets.repository';
import { StudySettings, withDefaults } from '../studies/study-settings';
import { AfterCommit } from '../database/after-commit';
import { PhotoSetStatus } from '../common/photo-set-status';
import { QualificationService } from '../reader-quality/qualification.service';
import { AssignmentRepository, LockedPhotoSet } from './assignment.repository';
import { chooseBatchPairs, chooseReplacement } from './pairing';
import { newReadCode } from './read-code';
import { ReadsRepository } from './reads.repository';

export type AssignOutcome = 'assigned' | 'awaiting-raters' | 'not-pending';
export type ReassignOutcome = 'reassigned' | 'no-replacement' | 'not-needed';

/** Statuses of a set waiting for its pair. */
const PENDING_STATUSES = ['ready', 'awaiting-raters'] as const satisfies PhotoSetStatus[];
const isPending = (status: PhotoSetStatus | null | undefined): boolean =>
  (PENDING_STATUSES as readonly (PhotoSetStatus | null | undefined)[]).includes(status);

/**
 * How many pending sets of one study one assign job takes at most. Per set, a batch costs one
 * conditional update, two task rows and two audit events; the locks, the rater pool,
 * qualification and subject pairs are read once per batch. Bounded so that one transaction (and
 * the subject locks it holds) stays short, and a killed worker's rollback loses little.
 */
export const ASSIGN_BATCH_SIZE = 50;

/**
 * Who reads what: the `assign` job gives a ready set (and a batch of others of its study) to
 * pairs of raters, the `reassign` job hands a leaving rater's unsubmitted task to another. Both act only after a conditional check on the
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

  // ---- assign ----------------------------------------------------------------------------------

  /**
   * Gives the set, and with it up to ASSIGN_BATCH_SIZE − 1 other pending sets of its study, to
   * pairs of raters in one transaction. The other sets' own jobs then find them assigned and end
   * as no-ops; a set the batch could not take (locked elsewhere) is still assigned by its job.
   */
  async assign(photoSetId: string): Promise<AssignOutcome> {
    // A backlog's jobs mostly find their set taken by an earlier batch: one unlocked read says so
    // without a transaction. Only a shortcut; the decision is made under the row lock below.
    if (!isPending(await this.assignment.statusOf(this.tx.manager, photoSetId))) {
      return 'not-pending';
    }
    return this.tx.run(async (tx) => {
      const set = await this.assignment.lockForAssignment(tx, photoSetId);
      if (!set || !isPending(set.status)) return 'not-pending';
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
      if (eligible.length < 2) return this.awaitRaters(tx, set, eligible.length);
      const batch = [set, ...(await this.otherPendingSets(tx, set, perSubject))];
      const pairs = chooseBatchPairs({
        mode: pairing,
        eligible,
        sets: batch.map((member) => ({ photoSetId: member.id, subjectId: member.subjectId })),
        // Read after the subject locks: a batch that held one of them has committed its pairs.
        subjectPairs: perSubject
          ? await this.assignment.subjectPairs(
              tx,
              [...new Set(batch.map((member) => member.subjectId))],
              batch.map((member) => member.id),
            )
          : new Map(),
      });
      if (!pairs.length) return this.awaitRaters(tx, set, eligible.length);
      return this.startReading(tx, set.studyId, pairs, pairing);
    });
  }

  /** The rest of the batch: other pending sets of the study this transaction could lock. */
  private async otherPendingSets(
    tx: EntityManager,
    set: LockedPhotoSet,
    perSubject: boolean,
  ): Promise<LockedPhotoSet[]> {
    const others = await this.assignment.lockPendingBatch(
      tx,
      set.studyId,
      set.id,
      ASSIGN_BATCH_SIZE - 1,
      perSubject,
    );
    if (!others.length) return others;
    const calibration = await this.qualification.calibrationSetIds(
      tx,
      others.map((other) => other.id),
    );
    return others.filter((other) => !calibration.has(other.id));
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

  /**
   * The sets move to reading with both tasks of their pairs, each task under a fresh read code
   * and with its own read.assigned event. Every set is locked by this transaction, so each moves.
   */
  private async startReading(
    tx: EntityManager,
    studyId: string,
    pairs: readonly { photoSetId: string; pair: [string, string] }[],
    pairing: StudySettings['pairing'],
  ): Promise<AssignOutcome> {
    const moved = await this.photoSets.transitionMany(
      tx,
      pairs.map(({ photoSetId }) => photoSetId),
      PENDING_STATUSES,
      'reading',
    );
    if (moved.size !== pairs.length) {
      throw new Error(`${pairs.length - moved.size} locked photo sets changed status`);
    }
    const tasks = await this.assignment.insertPairTasks(
      tx,
      studyId,
      pairs.flatMap(({ photoSetId, pair }) =>
        pair.map((raterId, index) => ({
          photoSetId,
          slot: (index + 1) as 1 | 2,
          raterId,
          readCode: newReadCode(),
          queueKey: Math.random(),
        })),
      ),
    );
    // Each task's own event, all of them in one statement.
    let firstParam = 1;
    const events = tasks.map((task) => {
      const call = this.audit.prepare(
        tx,
        readAssignedEvent(studyId, task, { pairing }),
        firstParam,
      );
      firstParam += call.params.length;
      return call;
    });
    await this.assignment.recordEvents(tx, events);
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
