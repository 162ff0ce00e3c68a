import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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
import { AuditRecordCall } from '../audit/audit.repository';
import { RegionScores } from '../scoring/salt';
import { SignatureInsert, SIGNING_STATE, SigningState } from '../signatures/signatures.repository';
import { studyOpenSql, studyWriteLockSql } from '../studies/study-lock.repository';
import { StudySettings } from '../studies/study-settings';
import { ReadEntity } from './read.entity';
import { ReadDraft, ReadTaskEntity } from './read-task.entity';

const TASK = entityColumns(ReadTaskEntity);
const READ = entityColumns(ReadEntity);
const QUEUE_ITEM = {
  id: column.text(),
  readCode: column.text(),
  status: column.text<ReadTaskEntity['status']>(),
};
const READ_COUNTS = {
  open: column.count(),
  submittedToday: column.count(),
  submitted: column.count(),
};
const ANY_ROW = { found: column.int() };
const TASK_REF = {
  id: column.text(),
  slot: column.int<1 | 2>(),
  raterId: column.text(),
  readCode: column.text(),
  version: column.int(),
};
export type TaskRef = Row<typeof TASK_REF>;

export type ReadCounts = Row<typeof READ_COUNTS>;

/** All SQL about read tasks and reads, as the rater and a correction see them. Assignment is AssignmentRepository's. */
@Injectable()
export class ReadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  async taskById(tx: EntityManager | undefined, taskId: string): Promise<ReadTaskEntity | null> {
    return firstRow(
      this.db(tx),
      TASK,
      `SELECT ${selectList(TASK, 't')} FROM read_tasks t WHERE t.id = $1`,
      [taskId],
    );
  }

  async lockTask(tx: EntityManager, taskId: string): Promise<ReadTaskEntity | null> {
    return firstRow(
      tx,
      TASK,
      `SELECT ${selectList(TASK, 't')} FROM read_tasks t WHERE t.id = $1 FOR UPDATE`,
      [taskId],
    );
  }

  /**
   * Takes what a score submission needs, in one round trip (it runs for every read) and in the
   * order every writer takes them: the study's write lock shared (StudyLockRepository), the
   * task's photo set (as PhotoSetsRepository.lockSet), then the task. The first two are one-time
   * filters of the statement, evaluated before any task row reaches the row-locking step. The
   * study's lock row is checked by the next statement (submitRead), whose snapshot starts after
   * this one holds the write lock.
   */
  async lockForSubmission(
    tx: EntityManager,
    task: Pick<ReadTaskEntity, 'id' | 'photoSetId' | 'studyId'>,
  ): Promise<ReadTaskEntity | null> {
    return firstRow(
      tx,
      TASK,
      `WITH study AS MATERIALIZED (SELECT ${studyWriteLockSql('$3', 'shared')}),
            locked_set AS MATERIALIZED (
              SELECT id FROM photo_sets WHERE id = $1 AND EXISTS (SELECT 1 FROM study) FOR UPDATE)
       SELECT ${selectList(TASK, 't')} FROM read_tasks t
        WHERE t.id = $2 AND t.photo_set_id = $1 AND EXISTS (SELECT 1 FROM locked_set)
          FOR UPDATE OF t`,
      [task.photoSetId, task.id, task.studyId],
    );
  }

  // ---- the rater's own tasks -----------------------------------------------------------------

  /**
   * A task of this rater that they may see: not handed on, not withdrawn by an open image query,
   * not voided by a replacement image.
   */
  async ownTask(
    raterId: string,
    taskId: string,
    tx?: EntityManager,
  ): Promise<ReadTaskEntity | null> {
    return firstRow(
      this.db(tx),
      TASK,
      `SELECT ${selectList(TASK, 't')} FROM read_tasks t
        WHERE t.id = $1 AND t.rater_id = $2 AND t.status IN ('assigned', 'submitted')`,
      [taskId, raterId],
    );
  }

  /**
   * `ownTask`, with what signing it needs (SignaturesService.authorizeWith): the signing state
   * of the caller's session or token and the study's settings. One round trip before the
   * submission's transaction, instead of three.
   */
  async ownTaskToSign(
    raterId: string,
    taskId: string,
    credentialId: string,
  ): Promise<{ task: ReadTaskEntity; signing: SigningState; studySettings: StudySettings } | null> {
    const row = await firstRow(
      this.dataSource,
      { ...TASK, ...SIGNING_STATE, studySettings: column.json<StudySettings>() },
      `SELECT ${selectList(TASK, 't')}, c.verified_at, coalesce(c.failures, 0) AS failures,
              c.locked_at, s.settings AS study_settings
         FROM read_tasks t
         JOIN studies s ON s.id = t.study_id
         LEFT JOIN signing_credentials c ON c.credential_id = $3
        WHERE t.id = $1 AND t.rater_id = $2 AND t.status IN ('assigned', 'submitted')`,
      [taskId, raterId, credentialId],
    );
    if (!row) return null;
    const { verifiedAt, failures, lockedAt, studySettings, ...task } = row;
    return {
      task: Object.assign(new ReadTaskEntity(), task),
      signing: { verifiedAt, failures, lockedAt },
      studySettings,
    };
  }

  async openTasks(raterId: string): Promise<Pick<ReadTaskEntity, 'id' | 'readCode' | 'status'>[]> {
    return rows(
      this.dataSource.manager,
      QUEUE_ITEM,
      `SELECT t.id, t.read_code, t.status FROM read_tasks t
        WHERE t.rater_id = $1 AND t.status = 'assigned' ORDER BY t.queue_key, t.id`,
      [raterId],
    );
  }

  /** The rater's next task: the open task first in their random queue order. */
  async nextOpenTask(raterId: string): Promise<ReadTaskEntity | null> {
    return firstRow(
      this.dataSource.manager,
      TASK,
      `SELECT ${selectList(TASK, 't')} FROM read_tasks t
        WHERE t.rater_id = $1 AND t.status = 'assigned' ORDER BY t.queue_key, t.id LIMIT 1`,
      [raterId],
    );
  }

  async counts(raterId: string): Promise<ReadCounts> {
    return oneRow(
      this.dataSource.manager,
      READ_COUNTS,
      `SELECT count(*) FILTER (WHERE status = 'assigned') AS open,
              count(*) FILTER (WHERE status = 'submitted'
                                 AND submitted_at >= date_trunc('day', now())) AS submitted_today,
              count(*) FILTER (WHERE status = 'submitted') AS submitted
         FROM read_tasks WHERE rater_id = $1`,
      [raterId],
    );
  }

  async saveDraft(raterId: string, taskId: string, draft: ReadDraft): Promise<boolean> {
    return changed(
      this.dataSource.manager,
      `UPDATE read_tasks SET draft = $3::jsonb, updated_at = now()
        WHERE id = $1 AND rater_id = $2 AND status = 'assigned' RETURNING id`,
      [taskId, raterId, JSON.stringify(draft)],
    );
  }

  // ---- reads ---------------------------------------------------------------------------------

  /**
   * A submission in one statement: marks the task submitted, inserts its read (with the id the
   * caller chose, which its signature and audit event name), its signature and its audit event,
   * and answers with the ids of the set's other current reads already in (as currentReads, less
   * this one: the statement does not see its own update) and whether the study is still open.
   * The caller holds the study's write lock, the set's and the task's locks (lockForSubmission)
   * and saw the task 'assigned'; when the study is locked it must roll back.
   */
  async submitRead(
    tx: EntityManager,
    read: Pick<ReadEntity, 'id' | 'readTaskId' | 'photoSetId' | 'raterId' | 'version' | 'salt'> &
      RegionScores & { idempotencyKey: string | null; correctionReason: string | null },
    alongside: {
      studyId: string;
      signature: (firstParam: number) => SignatureInsert;
      audit: (firstParam: number) => AuditRecordCall;
    },
  ): Promise<ReadEntity & { otherReadIds: string[]; studyOpen: boolean }> {
    const params: unknown[] = [
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
      read.id,
      alongside.studyId,
    ];
    // The signature's and the event's parameters follow the read's.
    const signature = alongside.signature(params.length + 1);
    const audit = alongside.audit(params.length + signature.params.length + 1);
    return oneRow(
      tx,
      { ...READ, otherReadIds: column.json<string[]>(), studyOpen: column.bool() },
      `WITH task AS (
         UPDATE read_tasks
            SET status = 'submitted', submitted_at = now(), draft = NULL, reopen_reason = NULL,
                updated_at = now()
          WHERE id = $1 AND status = 'assigned' RETURNING id),
       r AS (
         INSERT INTO reads (read_task_id, photo_set_id, rater_id, version, score_top, score_back,
                            score_left, score_right, salt, idempotency_key, correction_reason, id)
         SELECT task.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM task
         RETURNING *),
       signature AS (${signature.sql}),
       event AS MATERIALIZED (SELECT seq FROM ${audit.sql})
       SELECT ${selectList(READ, 'r')},
              (SELECT coalesce(json_agg(o.id), '[]'::json) FROM read_tasks ot
                 JOIN reads o ON o.read_task_id = ot.id AND o.version = ot.version
                WHERE ot.photo_set_id = $2 AND ot.status = 'submitted' AND ot.id <> $1)
                AS other_read_ids,
              ${studyOpenSql('$13')} AS study_open
         FROM r CROSS JOIN event`,
      [...params, ...signature.params, ...audit.params],
    );
  }

  async reopen(tx: EntityManager, taskId: string, reason: string): Promise<boolean> {
    return changed(
      tx,
      `UPDATE read_tasks
          SET status = 'assigned', version = version + 1, reopen_reason = $2, draft = NULL,
              queue_key = random(), updated_at = now()
        WHERE id = $1 AND status = 'submitted' RETURNING id`,
      [taskId, reason],
    );
  }

  /**
   * Whether the set's pair is with an adjudicator now. Read here, not through the adjudication
   * feature, which builds on reads and not the other way round.
   */
  async hasOpenAdjudication(tx: EntityManager, photoSetId: string): Promise<boolean> {
    const found = await firstRow(
      tx,
      ANY_ROW,
      `SELECT 1 AS found FROM adjudication_tasks WHERE photo_set_id = $1 AND status = 'open'`,
      [photoSetId],
    );
    return found !== null;
  }

  /** The read of one task version, if submitted. */
  async readOf(
    tx: EntityManager | undefined,
    taskId: string,
    version: number,
  ): Promise<ReadEntity | null> {
    return firstRow(
      this.db(tx),
      READ,
      `SELECT ${selectList(READ, 'r')} FROM reads r WHERE r.read_task_id = $1 AND r.version = $2`,
      [taskId, version],
    );
  }

  /**
   * The latest read of each current live task of the set, slot order; empty slots are skipped.
   * Calibration and re-read tasks (reader-quality/) are never part of the pair.
   */
  async currentReads(
    tx: EntityManager | undefined,
    photoSetId: string,
  ): Promise<(ReadEntity & { slot: 1 | 2 })[]> {
    return rows(
      this.db(tx),
      { ...READ, slot: column.int<1 | 2>() },
      `SELECT ${selectList(READ, 'r')}, t.slot FROM read_tasks t
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE t.photo_set_id = $1 AND t.status = 'submitted' AND t.kind = 'live'
        ORDER BY t.slot`,
      [photoSetId],
    );
  }
  // ---- image queries (src/queries/) ----------------------------------------------------------

  /** Keeps the views a rater did score as their draft while their not-evaluable answer is open. */
  async keepDraft(tx: EntityManager, taskId: string, draft: ReadDraft): Promise<void> {
    await execute(
      tx,
      `UPDATE read_tasks SET draft = $2::jsonb, updated_at = now()
        WHERE id = $1 AND status = 'assigned'`,
      [taskId, JSON.stringify(draft)],
    );
  }

  /** Takes the set's open tasks out of their raters' queues while an image query is open. */
  async withdrawOpenTasks(tx: EntityManager, photoSetId: string): Promise<TaskRef[]> {
    return rows(
      tx,
      TASK_REF,
      `UPDATE read_tasks SET status = 'withdrawn', updated_at = now()
        WHERE photo_set_id = $1 AND kind = 'live' AND status = 'assigned'
        RETURNING id, slot, rater_id, read_code, version`,
      [photoSetId],
    );
  }

  /** Puts withdrawn tasks back in their raters' queues, with the coordinator's comment. */
  async restoreWithdrawn(
    tx: EntityManager,
    photoSetId: string,
    comment: string,
  ): Promise<TaskRef[]> {
    return rows(
      tx,
      TASK_REF,
      `UPDATE read_tasks SET status = 'assigned', query_comment = $2, updated_at = now()
        WHERE photo_set_id = $1 AND kind = 'live' AND status = 'withdrawn'
        RETURNING id, slot, rater_id, read_code, version`,
      [photoSetId, comment],
    );
  }

  /**
   * Voids every current task of the set (open, withdrawn or submitted) with the reason: its
   * reads stay for auditors but no query that counts reads (status 'submitted') sees them again.
   */
  async voidTasks(
    tx: EntityManager,
    photoSetId: string,
    reason: string,
  ): Promise<(TaskRef & { previousStatus: string; studyId: string })[]> {
    return rows(
      tx,
      { ...TASK_REF, previousStatus: column.text(), studyId: column.text() },
      `UPDATE read_tasks t
          SET status = 'voided', void_reason = $2, voided_at = now(), updated_at = now()
         FROM (SELECT id, status FROM read_tasks
                WHERE photo_set_id = $1 AND kind = 'live' AND status IN ('assigned', 'withdrawn', 'submitted')
                FOR UPDATE) old
        WHERE t.id = old.id
        RETURNING t.id, t.slot, t.rater_id, t.read_code, t.version, old.status AS previous_status,
                  t.study_id`,
      [photoSetId, reason],
    );
  }
}
