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
import type { AuditRecordCall } from '../audit/audit.repository';
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
const STATUS = { status: column.text<PhotoSetStatus>() };
const SUBJECT_PAIR = { subjectId: column.text(), raterIds: column.json<string[]>() };
const RATER_LOAD = { raterId: column.text(), openTasks: column.count() };
const RATER = { raterId: column.text() };
const ID = { id: column.text() };
const TASK = entityColumns(ReadTaskEntity);

/** A live task of a new pair, as assignment writes it (the study is the batch's). */
export interface NewPairTask {
  photoSetId: string;
  slot: 1 | 2;
  raterId: string;
  readCode: string;
  queueKey: number;
}

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
   * of one set take turns) with the study's settings, in one round trip: it starts every
   * assignment transaction.
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
   * The set's status as last committed, without a lock: most assign jobs of a backlog find their
   * set already assigned with another set's batch, and this lets them say so in one round trip.
   * Only a hint; whoever acts decides under lockForAssignment.
   */
  async statusOf(db: EntityManager, photoSetId: string): Promise<PhotoSetStatus | null> {
    const row = await firstRow(db, STATUS, `SELECT status FROM photo_sets WHERE id = $1`, [
      photoSetId,
    ]);
    return row?.status ?? null;
  }

  /**
   * Up to `limit` other sets of the study waiting for raters, row-locked for this transaction
   * like lockForAssignment. Rows another transaction holds are skipped, not waited for (a
   * concurrent batch, a submission, a calibration mark): their own jobs come to them. Not sorted
   * before the limit, so a big backlog (a bulk import) is not sorted again for every batch; the
   * jobs themselves run in upload order. Calibration sets stay ready for ever and would fill
   * every batch, so they are left out here already; the caller still asks reader-quality once the
   * rows are locked (a set marked since this statement's snapshot).
   *
   * With `subjectLocks` (per-subject pairing) a set is taken only if its subject's assignment
   * lock (lockSubject) is free or already ours, tried without waiting: a batch whose subjects
   * overlap another running batch would otherwise wait for all of it, and two batches waiting on
   * each other's subjects would deadlock. A set left out this way stays locked until commit and
   * is then assigned by its own job, which waits for the row.
   */
  async lockPendingBatch(
    tx: EntityManager,
    studyId: string,
    exceptSetId: string,
    limit: number,
    subjectLocks: boolean,
  ): Promise<LockedPhotoSet[]> {
    return rows(
      tx,
      LOCKED_SET,
      `WITH picked AS MATERIALIZED (
         SELECT id, study_id, subject_id, status, created_at FROM photo_sets
          WHERE study_id = $1 AND status IN ('ready', 'awaiting-raters') AND id <> $2
            AND NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = photo_sets.id)
          LIMIT $3 FOR UPDATE SKIP LOCKED)
       SELECT id, study_id, subject_id, status FROM picked
        WHERE NOT $4::boolean
           OR pg_try_advisory_xact_lock(hashtext('assign-subject'), hashtext(subject_id::text))
        ORDER BY created_at, id`,
      [studyId, exceptSetId, limit, subjectLocks],
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
    // One round trip (this runs for every batch): the study row is key-share-locked first, as
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

  /**
   * The tasks of new pairs, for any number of sets of one study, in one statement; the caller
   * has moved the sets to 'reading' (the unique indexes refuse a second pair). Answered in the
   * order given.
   */
  async insertPairTasks(
    tx: EntityManager,
    studyId: string,
    tasks: readonly NewPairTask[],
  ): Promise<ReadTaskEntity[]> {
    const inserted = await rows(
      tx,
      TASK,
      `INSERT INTO read_tasks AS t (photo_set_id, study_id, slot, rater_id, read_code, queue_key)
       SELECT n.photo_set_id, $1, n.slot, n.rater_id, n.read_code, n.queue_key
         FROM unnest($2::uuid[], $3::smallint[], $4::uuid[], $5::text[], $6::float8[])
              AS n(photo_set_id, slot, rater_id, read_code, queue_key)
       RETURNING ${selectList(TASK, 't')}`,
      [
        studyId,
        tasks.map((task) => task.photoSetId),
        tasks.map((task) => task.slot),
        tasks.map((task) => task.raterId),
        tasks.map((task) => task.readCode),
        tasks.map((task) => task.queueKey),
      ],
    );
    const key = (task: { photoSetId: string; slot: number }) => `${task.photoSetId}/${task.slot}`;
    const byKey = new Map(inserted.map((task) => [key(task), task]));
    return tasks.map((task) => byKey.get(key(task))!);
  }

  /**
   * Runs prepared audit_record calls (AuditService.prepare, parameters numbered one after the
   * other) in one statement: a batch's events cost one round trip instead of one each.
   */
  async recordEvents(tx: EntityManager, calls: readonly AuditRecordCall[]): Promise<void> {
    if (!calls.length) return;
    await execute(
      tx,
      `SELECT count(*) FROM (${calls.map((call) => `SELECT seq FROM ${call.sql}`).join(' UNION ALL ')}) AS recorded`,
      calls.flatMap((call) => call.params),
    );
  }

  /**
   * Per subject, the live pair on its most recently assigned set other than `exceptSetIds`, for
   * the subjects that have one. Re-read and calibration tasks are not the subject's pair.
   */
  async subjectPairs(
    tx: EntityManager,
    subjectIds: readonly string[],
    exceptSetIds: readonly string[],
  ): Promise<Map<string, [string, string]>> {
    const found = await rows(
      tx,
      SUBJECT_PAIR,
      `WITH latest AS (
         SELECT DISTINCT ON (s.subject_id) s.subject_id, t.photo_set_id
           FROM read_tasks t JOIN photo_sets s ON s.id = t.photo_set_id
          WHERE s.subject_id = ANY($1::uuid[]) AND t.photo_set_id <> ALL($2::uuid[])
            AND t.kind = 'live' AND t.status NOT IN ('reassigned', 'voided')
          ORDER BY s.subject_id, t.created_at DESC, t.id)
       SELECT l.subject_id, array_agg(t.rater_id ORDER BY t.slot) AS rater_ids
         FROM latest l JOIN read_tasks t ON t.photo_set_id = l.photo_set_id
        WHERE t.kind = 'live' AND t.status NOT IN ('reassigned', 'voided')
        GROUP BY l.subject_id`,
      [subjectIds, exceptSetIds],
    );
    return new Map(
      found
        .filter((row) => row.raterIds.length === 2)
        .map((row) => [row.subjectId, [row.raterIds[0], row.raterIds[1]]]),
    );
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

  /**
   * Sets that are ready to read but have no pair yet. Calibration sets stay `ready` for ever and
   * are never read live, so they are left out: an assign job for one would only end as a no-op,
   * every reconcile round.
   */
  async setsAwaitingRaters(tx: EntityManager, studyId?: string): Promise<string[]> {
    const sets = await rows(
      tx,
      ID,
      `SELECT id FROM photo_sets
        WHERE status IN ('ready', 'awaiting-raters') AND ($1::uuid IS NULL OR study_id = $1)
          AND NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = photo_sets.id)
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
