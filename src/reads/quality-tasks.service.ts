import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AfterCommit } from '../database/after-commit';
import { OnDomainEvent } from '../events/domain-event.decorator';
import { QueueProducer } from '../queue/queue.producer';
import { QueueName } from '../queue/queue-names';
import { QualityTasksDue, RaterInStudy } from '../reader-quality/reader-quality.events';
import { AssignmentRepository } from './assignment.repository';
import { QualityTasksRepository } from './quality-tasks.repository';
import { readAssignedEvent } from './read-assigned-event';
import { newReadCode } from './read-code';

/**
 * The reads side of reader quality: creates the calibration and re-read tasks it asks for, each
 * exactly as assignment creates a live task (fresh random read code, random queue position, the
 * same `read.assigned` event), and moves work on when a rater is cleared or suspended.
 */
@Injectable()
export class QualityTasksService {
  constructor(
    private readonly qualityTasks: QualityTasksRepository,
    private readonly assignment: AssignmentRepository,
    private readonly audit: AuditService,
    private readonly producer: QueueProducer,
    private readonly afterCommit: AfterCommit,
  ) {}

  @OnDomainEvent('reader-quality.tasks-due')
  async onTasksDue(tx: EntityManager, { studyId, tasks }: QualityTasksDue): Promise<void> {
    const created = [];
    for (const task of tasks) {
      created.push(
        await this.qualityTasks.insert(tx, {
          ...task,
          studyId,
          readCode: newReadCode(),
          queueKey: Math.random(),
        }),
      );
    }
    for (const task of created) {
      await this.audit.record(tx, readAssignedEvent(studyId, task, { kind: task.kind }));
    }
  }

  /** A rater newly allowed to read live may unblock sets that wait for raters. */
  @OnDomainEvent('reader-quality.rater-cleared')
  async onRaterCleared(tx: EntityManager, { studyId }: RaterInStudy): Promise<void> {
    const setIds = await this.assignment.setsAwaitingRaters(tx, studyId);
    this.afterCommit.run(tx, async () => {
      for (const id of setIds) await this.producer.ensure(QueueName.Assign, id, { photoSetId: id });
    });
  }

  /** A suspended rater's open live tasks move on, as on deactivation. */
  @OnDomainEvent('reader-quality.rater-suspended')
  async onRaterSuspended(tx: EntityManager, { studyId, raterId }: RaterInStudy): Promise<void> {
    const taskIds = await this.assignment.openTasksOf(tx, raterId, studyId);
    this.afterCommit.run(tx, async () => {
      for (const readTaskId of taskIds) {
        await this.producer.ensure(QueueName.Reassign, readTaskId, { readTaskId });
      }
    });
  }
}
