import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { PhotoSetStatus } from '../photo-sets/photo-set.entity';
import { StudySettings } from '../studies/study-settings';
import { RaterLoad } from './pairing';
import { decimalColumn } from '../database/typed-query';
import { ReadEntity } from './read.entity';
import { ReadDraft, ReadTaskEntity } from './read-task.entity';
import { RegionScores } from './salt';

/** The photo set facts assignment needs; never leaves the server towards a rater. */
export interface LockedPhotoSet {
  id: string;
  studyId: string;
  subjectId: string;
  status: PhotoSetStatus;
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

export interface ReadCounts {
  open: number;
  submittedToday: number;
  submitted: number;
}

const TASK_COLUMNS = `
  t.id, t.photo_set_id AS "photoSetId", t.study_id AS "studyId", t.slot, t.rater_id AS "raterId",
  t.read_code AS "readCode", t.queue_key AS "queueKey", t.status, t.version, t.draft,
  t.reopen_reason AS "reopenReason", t.replaces_task_id AS "replacesTaskId",
  t.created_at AS "createdAt", t.updated_at AS "updatedAt", t.submitted_at AS "submittedAt",
  t.reassigned_at AS "reassignedAt"`;

const READ_COLUMNS = `
  r.id, r.read_task_id AS "readTaskId", r.photo_set_id AS "photoSetId", r.rater_id AS "raterId",
  r.version, r.score_top AS top, r.score_back AS back, r.score_left AS "left",
  r.score_right AS "right", r.salt, r.idempotency_key AS "idempotencyKey",
  r.correction_reason AS "correctionReason", r.submitted_at AS "submittedAt"`;

type RawRead = Omit<ReadEntity, 'top' | 'back' | 'left' | 'right' | 'salt'> &
  Record<'top' | 'back' | 'left' | 'right' | 'salt', string>;

function toRead(row: RawRead): ReadEntity {
  const num = (value: string): number => decimalColumn.from(value) as number;
  return {
    ...row,
    top: num(row.top),
    back: num(row.back),
    left: num(row.left),
    right: num(row.right),
    salt: num(row.salt),
  };
}

/** All SQL about read tasks and reads. */
@Injectable()
export class ReadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  // ---- assignment ----------------------------------------------------------------------------

  /** Locks the photo set row: assignment, submission and evaluation of one set take turns. */
  async lockPhotoSet(tx: EntityManager, photoSetId: string): Promise<LockedPhotoSet | null> {
    const [row] = await queryRows<LockedPhotoSet>(
      tx,
      `SELECT id, study_id AS "studyId", subject_id AS "subjectId", status
         FROM photo_sets WHERE id = $1 FOR UPDATE`,
      [photoSetId],
    );
    return row ?? null;
  }

  /**
   * Lock order with membership changes, which lock the study row for update and then a member
   * row: the study row (key share, as the foreign keys of our inserts take anyway) before any
   * member row. Taking the member rows first deadlocks against them.
   */
  private async lockStudyKey(tx: EntityManager, studyId: string): Promise<void> {
    await tx.query(`SELECT 1 FROM studies WHERE id = $1 FOR KEY SHARE`, [studyId]);
  }

  /** lockPhotoSet plus the study's settings, in one round trip: assignment runs for every set. */
  async lockForAssignment(
    tx: EntityManager,
    photoSetId: string,
  ): Promise<(LockedPhotoSet & { settings: Partial<StudySettings> | null }) | null> {
    const [row] = await queryRows<LockedPhotoSet & { settings: Partial<StudySettings> | null }>(
      tx,
      `SELECT ps.id, ps.study_id AS "studyId", ps.subject_id AS "subjectId", ps.status,
              st.settings
         FROM photo_sets ps JOIN studies st ON st.id = ps.study_id
        WHERE ps.id = $1 FOR UPDATE OF ps`,
      [photoSetId],
    );
    return row ?? null;
  }

  /**
   * The raters who may take work in the study now — active, holding the rater role globally and
   * in the study (as StudiesService.membersWithRole) — with their open tasks, key-share-locked:
   * a concurrent deactivation or membership change (which locks these rows for update) waits for
   * this assignment to commit, so its hand-over sees the new task; or it commits first and the
   * person is no longer listed here.
   */
  async eligibleRaters(tx: EntityManager, studyId: string): Promise<RaterLoad[]> {
    await this.lockStudyKey(tx, studyId);
    const rows = await queryRows<{ raterId: string; openTasks: string }>(
      tx,
      `SELECT m.user_id AS "raterId",
              (SELECT count(*) FROM read_tasks t
                WHERE t.rater_id = m.user_id AND t.status = 'assigned') AS "openTasks"
         FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND 'rater' = ANY(m.roles) AND 'rater' = ANY(u.roles) AND u.active
        ORDER BY m.user_id
          FOR KEY SHARE OF m, u`,
      [studyId],
    );
    return rows.map((row) => ({ raterId: row.raterId, openTasks: Number(row.openTasks) }));
  }

  /**
   * Both tasks of a new pair and the set's move to 'reading', in one statement. Returns no
   * tasks when the set was no longer waiting (the unique indexes would refuse a second pair).
   */
  async insertPair(
    tx: EntityManager,
    photoSetId: string,
    studyId: string,
    fromStatuses: PhotoSetStatus[],
    tasks: { slot: 1 | 2; raterId: string; readCode: string; queueKey: number }[],
  ): Promise<ReadTaskEntity[]> {
    const params: unknown[] = [photoSetId, studyId, fromStatuses];
    const values = tasks.map((task) => {
      params.push(task.slot, task.raterId, task.readCode, task.queueKey);
      const n = params.length;
      return `($1::uuid, $2::uuid, $${n - 3}::smallint, $${n - 2}::uuid, $${n - 1}, $${n}::float8)`;
    });
    return queryRows<ReadTaskEntity>(
      tx,
      `WITH moved AS (
         UPDATE photo_sets SET status = 'reading', updated_at = now()
          WHERE id = $1 AND status = ANY($3::text[]) RETURNING id)
       INSERT INTO read_tasks AS t (photo_set_id, study_id, slot, rater_id, read_code, queue_key)
       SELECT v.* FROM (VALUES ${values.join(', ')}) AS v, moved
       RETURNING ${TASK_COLUMNS}`,
      params,
    );
  }

  /**
   * Serialises assignment within one subject, so two of its visits assigned at the same moment
   * still see each other's pair (per-subject pairing).
   */
  async lockSubject(tx: EntityManager, subjectId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('assign-subject'), hashtext($1))`, [
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
    await tx.query(
      `SELECT m.user_id FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND $2 = ANY(m.roles)
        ORDER BY m.user_id FOR KEY SHARE OF m, u`,
      [studyId, role],
    );
  }

  /** A conditional status change: returns false when the set was not in one of `from`. */
  async moveSet(
    tx: EntityManager,
    photoSetId: string,
    from: PhotoSetStatus[],
    to: PhotoSetStatus,
  ): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE photo_sets SET status = $3, updated_at = now()
        WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [photoSetId, from, to],
    );
    return rows.length > 0;
  }

  /** The pair on the subject's most recently assigned other set, if it has one. */
  async subjectPair(
    tx: EntityManager,
    subjectId: string,
    exceptSetId: string,
  ): Promise<[string, string] | null> {
    const rows = await queryRows<{ raterId: string }>(
      tx,
      `WITH latest AS (
         SELECT t.photo_set_id FROM read_tasks t JOIN photo_sets s ON s.id = t.photo_set_id
          WHERE s.subject_id = $1 AND t.photo_set_id <> $2 AND t.status <> 'reassigned'
          ORDER BY t.created_at DESC, t.id LIMIT 1)
       SELECT t.rater_id AS "raterId" FROM read_tasks t JOIN latest l USING (photo_set_id)
        WHERE t.status <> 'reassigned' ORDER BY t.slot`,
      [subjectId, exceptSetId],
    );
    return rows.length === 2 ? [rows[0].raterId, rows[1].raterId] : null;
  }

  async insertTask(tx: EntityManager, task: NewReadTask): Promise<ReadTaskEntity> {
    const [row] = await queryRows<ReadTaskEntity>(
      tx,
      `INSERT INTO read_tasks AS t (photo_set_id, study_id, slot, rater_id, read_code, queue_key,
                                 version, replaces_task_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${TASK_COLUMNS}`,
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
    return row;
  }

  /** The set's current tasks (not reassigned), slot 1 first. */
  async currentTasks(tx: EntityManager | undefined, photoSetId: string): Promise<ReadTaskEntity[]> {
    return queryRows<ReadTaskEntity>(
      this.db(tx),
      `SELECT ${TASK_COLUMNS} FROM read_tasks t
        WHERE t.photo_set_id = $1 AND t.status <> 'reassigned' ORDER BY t.slot`,
      [photoSetId],
    );
  }

  /** Everyone who ever held a task on the set, including tasks handed on. */
  async everyRaterOf(tx: EntityManager, photoSetId: string): Promise<string[]> {
    const rows = await queryRows<{ raterId: string }>(
      tx,
      `SELECT DISTINCT rater_id AS "raterId" FROM read_tasks WHERE photo_set_id = $1`,
      [photoSetId],
    );
    return rows.map((row) => row.raterId);
  }

  async taskById(tx: EntityManager | undefined, taskId: string): Promise<ReadTaskEntity | null> {
    const [row] = await queryRows<ReadTaskEntity>(
      this.db(tx),
      `SELECT ${TASK_COLUMNS} FROM read_tasks t WHERE t.id = $1`,
      [taskId],
    );
    return row ?? null;
  }

  async lockTask(tx: EntityManager, taskId: string): Promise<ReadTaskEntity | null> {
    const [row] = await queryRows<ReadTaskEntity>(
      tx,
      `SELECT ${TASK_COLUMNS} FROM read_tasks t WHERE t.id = $1 FOR UPDATE`,
      [taskId],
    );
    return row ?? null;
  }

  /** Hands a task on: the old row stays as history with status 'reassigned'. */
  async markReassigned(tx: EntityManager, taskId: string): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE read_tasks SET status = 'reassigned', reassigned_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'assigned' RETURNING id`,
      [taskId],
    );
    return rows.length > 0;
  }

  /** Open tasks of a user in one study (or every study), for hand-over when they leave. */
  async openTasksOf(tx: EntityManager, raterId: string, studyId?: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `SELECT id FROM read_tasks
        WHERE rater_id = $1 AND status = 'assigned' AND ($2::uuid IS NULL OR study_id = $2)`,
      [raterId, studyId ?? null],
    );
    return rows.map((row) => row.id);
  }

  // ---- the rater's own tasks -----------------------------------------------------------------

  /** A task of this rater that they may see (reassigned-away tasks are no longer theirs). */
  async ownTask(
    raterId: string,
    taskId: string,
    tx?: EntityManager,
  ): Promise<ReadTaskEntity | null> {
    const [row] = await queryRows<ReadTaskEntity>(
      this.db(tx),
      `SELECT ${TASK_COLUMNS} FROM read_tasks t
        WHERE t.id = $1 AND t.rater_id = $2 AND t.status <> 'reassigned'`,
      [taskId, raterId],
    );
    return row ?? null;
  }

  async openTasks(raterId: string): Promise<Pick<ReadTaskEntity, 'id' | 'readCode' | 'status'>[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT t.id, t.read_code AS "readCode", t.status FROM read_tasks t
        WHERE t.rater_id = $1 AND t.status = 'assigned' ORDER BY t.queue_key, t.id`,
      [raterId],
    );
  }

  /** The rater's next task: the open task first in their random queue order. */
  async nextOpenTask(raterId: string): Promise<ReadTaskEntity | null> {
    const [row] = await queryRows<ReadTaskEntity>(
      this.dataSource.manager,
      `SELECT ${TASK_COLUMNS} FROM read_tasks t
        WHERE t.rater_id = $1 AND t.status = 'assigned' ORDER BY t.queue_key, t.id LIMIT 1`,
      [raterId],
    );
    return row ?? null;
  }

  async counts(raterId: string): Promise<ReadCounts> {
    const [row] = await queryRows<Record<keyof ReadCounts, string>>(
      this.dataSource.manager,
      `SELECT count(*) FILTER (WHERE status = 'assigned') AS open,
              count(*) FILTER (WHERE status = 'submitted'
                                 AND submitted_at >= date_trunc('day', now())) AS "submittedToday",
              count(*) FILTER (WHERE status = 'submitted') AS submitted
         FROM read_tasks WHERE rater_id = $1`,
      [raterId],
    );
    return {
      open: Number(row.open),
      submittedToday: Number(row.submittedToday),
      submitted: Number(row.submitted),
    };
  }

  async saveDraft(raterId: string, taskId: string, draft: ReadDraft): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource.manager,
      `UPDATE read_tasks SET draft = $3::jsonb, updated_at = now()
        WHERE id = $1 AND rater_id = $2 AND status = 'assigned' RETURNING id`,
      [taskId, raterId, JSON.stringify(draft)],
    );
    return rows.length > 0;
  }

  // ---- reads ---------------------------------------------------------------------------------

  async insertRead(
    tx: EntityManager,
    read: Pick<ReadEntity, 'readTaskId' | 'photoSetId' | 'raterId' | 'version' | 'salt'> &
      RegionScores & { idempotencyKey: string | null; correctionReason: string | null },
  ): Promise<ReadEntity> {
    const [row] = await queryRows<RawRead>(
      tx,
      `INSERT INTO reads AS r (read_task_id, photo_set_id, rater_id, version, score_top, score_back,
                            score_left, score_right, salt, idempotency_key, correction_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${READ_COLUMNS}`,
      [
        read.readTaskId,
        read.photoSetId,
        read.raterId,
        read.version,
        read.top,
        read.back,
        read.left,
        read.right,
        read.salt,
        read.idempotencyKey,
        read.correctionReason,
      ],
    );
    return toRead(row);
  }

  async markSubmitted(tx: EntityManager, taskId: string, submittedAt: Date): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE read_tasks
          SET status = 'submitted', submitted_at = $2, draft = NULL, reopen_reason = NULL,
              updated_at = now()
        WHERE id = $1 AND status = 'assigned' RETURNING id`,
      [taskId, submittedAt],
    );
    return rows.length > 0;
  }

  async reopen(tx: EntityManager, taskId: string, reason: string): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE read_tasks
          SET status = 'assigned', version = version + 1, reopen_reason = $2, draft = NULL,
              queue_key = random(), updated_at = now()
        WHERE id = $1 AND status = 'submitted' RETURNING id`,
      [taskId, reason],
    );
    return rows.length > 0;
  }

  /** The read of one task version, if submitted. */
  async readOf(
    tx: EntityManager | undefined,
    taskId: string,
    version: number,
  ): Promise<ReadEntity | null> {
    const [row] = await queryRows<RawRead>(
      this.db(tx),
      `SELECT ${READ_COLUMNS} FROM reads r WHERE r.read_task_id = $1 AND r.version = $2`,
      [taskId, version],
    );
    return row ? toRead(row) : null;
  }

  /** The latest read of each current task of the set, slot order; empty slots are skipped. */
  async currentReads(
    tx: EntityManager | undefined,
    photoSetId: string,
  ): Promise<(ReadEntity & { slot: 1 | 2 })[]> {
    const rows = await queryRows<RawRead & { slot: 1 | 2 }>(
      this.db(tx),
      `SELECT ${READ_COLUMNS}, t.slot FROM read_tasks t
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE t.photo_set_id = $1 AND t.status = 'submitted' ORDER BY t.slot`,
      [photoSetId],
    );
    return rows.map((row) => ({ ...toRead(row), slot: row.slot }));
  }

  async submittedCount(tx: EntityManager, photoSetId: string): Promise<number> {
    const [row] = await queryRows<{ n: string }>(
      tx,
      `SELECT count(*) AS n FROM read_tasks WHERE photo_set_id = $1 AND status = 'submitted'`,
      [photoSetId],
    );
    return Number(row.n);
  }
}
