import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  changed,
  column,
  entityColumns,
  execute,
  firstRow,
  oneRow,
  Row,
  rows,
  selectList,
} from '../database/typed-query';
import { PhotoSetStatus } from '../common/photo-set-status';
import { StudySettings } from '../studies/study-settings';
import { RaterLoad } from './pairing';
import { ReadTaskEntity } from './read-task.entity';

/** The photo set facts assignment needs; never leaves the server towards a rater. */
const LOCKED_SET = {
  id: column.text(),
  studyId: column.text(),
  subjectId: column.text(),
  status: column.text<PhotoSetStatus>(),
};
export type LockedPhotoSet = Row<typeof LOCKED_SET>;

const SET_FOR_ASSIGNMENT = {
  ...LOCKED_SET,
  settings: column.json<Partial<StudySettings> | null>(),
};
const RATER_LOAD = { raterId: column.text(), openTasks: column.count() };
const RATER = { raterId: column.text() };
const ID = { id: column.text() };
const TASK = entityColumns(ReadTaskEntity);

export interface NewReadTask {
  photoSetId: string;
  studyId: string;
  slot: 1 | 2;
  raterId: string;
  readCode: string;
  queueKey: number;
  version?: number;
  replacesTaskId?: string | null;
}

/**
 * All SQL about who reads what: the locks that order assignment, submission, evaluation and
 * membership changes, the pool of eligible raters, pairs and hand-overs, and the reconciler's
 * questions about assignment, answered from Postgres alone.
 */
@Injectable()
export class AssignmentRepository {
  // ---- locks ---------------------------------------------------------------------------------

  /**
   * Locks the photo set row (as PhotoSetsRepository.lockSet: assignment, submission and evaluation
   * of one set take turns) with the study's settings, in one round trip: assignment runs for
   * every set.
   */
  async lockForAssignment(
    tx: EntityManager,
    photoSetId: string,
  ): Promise<(LockedPhotoSet & { settings: Partial<StudySettings> | null }) | null> {
    return firstRow(
      tx,
      SET_FOR_ASSIGNMENT,
      `SELECT ps.id, ps.study_id, ps.subject_id, ps.status, st.settings
         FROM photo_sets ps JOIN studies st ON st.id = ps.study_id
        WHERE ps.id = $1 FOR UPDATE OF ps`,
      [photoSetId],
    );
  }

  /**
   * Lock order with membership changes, which lock the study row for update and then a member
   * row: the study row (key share, as the foreign keys of our inserts take anyway) before any
   * member row. Taking the member rows first deadlocks against them.
   */
  private async lockStudyKey(tx: EntityManager, studyId: string): Promise<void> {
    await execute(tx, `SELECT 1 FROM studies WHERE id = $1 FOR KEY SHARE`, [studyId]);
  }

  /**
   * Serialises assignment within one subject, so two of its visits assigned at the same moment
   * still see each other's pair (per-subject pairing).
   */
  async lockSubject(tx: EntityManager, subjectId: string): Promise<void> {
    await execute(tx, `SELECT pg_advisory_xact_lock(hashtext('assign-subject'), hashtext($1))`, [
      subjectId,
    ]);
  }

  /**
   * Key-share-locks the study's members holding `role` (and their accounts) for this transaction.
   * A concurrent deactivation or membership change locks the same rows for update, so the two
   * serialise: either it commits first and the pool read next no longer includes the person, or
   * this assignment commits first and the change's hand-over listener sees the new task.
   */
  async lockPool(tx: EntityManager, studyId: string, role: 'rater' | 'adjudicator'): Promise<void> {
    await this.lockStudyKey(tx, studyId);
    await execute(
      tx,
      `SELECT m.user_id FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND $2 = ANY(m.roles)
        ORDER BY m.user_id FOR KEY SHARE OF m, u`,
      [studyId, role],
    );
  }

  // ---- pairs ---------------------------------------------------------------------------------

  /**
   * The raters who may take work in the study now — active, holding the rater role globally and
   * in the study (as StudiesService.membersWithRole) — with their open tasks, key-share-locked:
   * a concurrent deactivation or membership change (which locks these rows for update) waits for
   * this assignment to commit, so its hand-over sees the new task; or it commits first and the
   * person is no longer listed here.
   */
  async eligibleRaters(tx: EntityManager, studyId: string): Promise<RaterLoad[]> {
    // One round trip (this runs for every set): the study row is key-share-locked first, as
    // lockStudyKey does, by a one-time filter evaluated before any member row is locked.
    return rows(
      tx,
      RATER_LOAD,
      `WITH study AS MATERIALIZED (SELECT id FROM studies WHERE id = $1 FOR KEY SHARE)
       SELECT m.user_id AS rater_id,
              (SELECT count(*) FROM read_tasks t
                WHERE t.rater_id = m.user_id AND t.status = 'assigned') AS open_tasks
         FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND 'rater' = ANY(m.roles) AND 'rater' = ANY(u.roles) AND u.active
          AND EXISTS (SELECT 1 FROM study)
        ORDER BY m.user_id
          FOR KEY SHARE OF m, u`,
      [studyId],
    );
  }

  /** Both tasks of a new pair; the caller has moved the set to 'reading' (the unique indexes
   * refuse a second pair). */
  async insertPair(
    tx: EntityManager,
    photoSetId: string,
    studyId: string,
    tasks: { slot: 1 | 2; raterId: string; readCode: string; queueKey: number }[],
  ): Promise<ReadTaskEntity[]> {
    const params: unknown[] = [photoSetId, studyId];
    const values = tasks.map((task) => {
      params.push(task.slot, task.raterId, task.readCode, task.queueKey);
      const n = params.length;
      return `($1::uuid, $2::uuid, $${n - 3}::smallint, $${n - 2}::uuid, $${n - 1}, $${n}::float8)`;
    });
    return rows(
      tx,
      TASK,
      `INSERT INTO read_tasks AS t (photo_set_id, study_id, slot, rater_id, read_code, queue_key)
       VALUES ${values.join(', ')}
       RETURNING ${selectList(TASK, 't')}`,
      params,
    );
  }

  /** The pair on the subject's most recently assigned other set, if it has one. */
  async subjectPair(
    tx: EntityManager,
    subjectId: string,
    exceptSetId: string,
  ): Promise<[string, string] | null> {
    const raters = await rows(
      tx,
      RATER,
      `WITH latest AS (
         SELECT t.photo_set_id FROM read_tasks t JOIN photo_sets s ON s.id = t.photo_set_id
          WHERE s.subject_id = $1 AND t.photo_set_id <> $2
            AND t.status NOT IN ('reassigned', 'voided')
          ORDER BY t.created_at DESC, t.id LIMIT 1)
       SELECT t.rater_id FROM read_tasks t JOIN latest l USING (photo_set_id)
        WHERE t.status NOT IN ('reassigned', 'voided') ORDER BY t.slot`,
      [subjectId, exceptSetId],
    );
    return raters.length === 2 ? [raters[0].raterId, raters[1].raterId] : null;
  }

  /** Everyone who ever held a task on the set, including tasks handed on. */
  async everyRaterOf(tx: EntityManager, photoSetId: string): Promise<string[]> {
    const raters = await rows(
      tx,
      RATER,
      `SELECT DISTINCT rater_id FROM read_tasks WHERE photo_set_id = $1`,
      [photoSetId],
    );
    return raters.map((row) => row.raterId);
  }

  // ---- hand-overs ----------------------------------------------------------------------------

  async insertTask(tx: EntityManager, task: NewReadTask): Promise<ReadTaskEntity> {
    return oneRow(
      tx,
      TASK,
      `INSERT INTO read_tasks AS t (photo_set_id, study_id, slot, rater_id, read_code, queue_key,
                                 version, replaces_task_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${selectList(TASK, 't')}`,
      [
        task.photoSetId,
        task.studyId,
        task.slot,
        task.raterId,
        task.readCode,
        task.queueKey,
        task.version ?? 1,
        task.replacesTaskId ?? null,
      ],
    );
  }

  /** Hands a task on: the old row stays as history with status 'reassigned'. */
  async markReassigned(tx: EntityManager, taskId: string): Promise<boolean> {
    return changed(
      tx,
      `UPDATE read_tasks SET status = 'reassigned', reassigned_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'assigned' RETURNING id`,
      [taskId],
    );
  }

  /** Open tasks of a user in one study (or every study), for hand-over when they leave. */
  async openTasksOf(tx: EntityManager, raterId: string, studyId?: string): Promise<string[]> {
    const tasks = await rows(
      tx,
      ID,
      `SELECT id FROM read_tasks
        WHERE rater_id = $1 AND status = 'assigned' AND ($2::uuid IS NULL OR study_id = $2)`,
      [raterId, studyId ?? null],
    );
    return tasks.map((row) => row.id);
  }

  // ---- reconciliation ------------------------------------------------------------------------

  /** Sets that are ready to read but have no pair yet. */
  async setsAwaitingRaters(tx: EntityManager, studyId?: string): Promise<string[]> {
    const sets = await rows(
      tx,
      ID,
      `SELECT id FROM photo_sets
        WHERE status IN ('ready', 'awaiting-raters') AND ($1::uuid IS NULL OR study_id = $1)
        ORDER BY created_at, id`,
      [studyId ?? null],
    );
    return sets.map((row) => row.id);
  }

  /**
   * Unsubmitted tasks whose rater may no longer read in the study: deactivated, without the
   * global rater role, or no longer a rater member of the study.
   */
  async tasksNeedingReassignment(tx: EntityManager, studyId?: string): Promise<string[]> {
    const tasks = await rows(
      tx,
      ID,
      `SELECT t.id FROM read_tasks t JOIN users u ON u.id = t.rater_id
         LEFT JOIN study_members m ON m.study_id = t.study_id AND m.user_id = t.rater_id
        WHERE t.status = 'assigned' AND ($1::uuid IS NULL OR t.study_id = $1)
          AND (NOT u.active OR NOT 'rater' = ANY(u.roles) OR m.user_id IS NULL
               OR NOT 'rater' = ANY(m.roles))
        ORDER BY t.created_at, t.id`,
      [studyId ?? null],
    );
    return tasks.map((row) => row.id);
  }
}
