import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { changed, column, execute, firstRow, oneRow, Row, rows } from '../database/typed-query';

export const QUALIFICATION_STATUSES = ['in-training', 'qualified', 'failed'] as const;
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];

const CALIBRATION_SET = {
  photoSetId: column.text(),
  studyId: column.text(),
  top: column.numeric(),
  back: column.numeric(),
  left: column.numeric(),
  right: column.numeric(),
  salt: column.numeric(),
  subjectCode: column.text(),
  visit: column.text(),
  createdAt: column.timestamp(),
};
export type CalibrationSetRow = Row<typeof CALIBRATION_SET>;
const SELECT_CALIBRATION = `SELECT c.photo_set_id, c.study_id, c.ref_top AS top,
    c.ref_back AS back, c.ref_left AS left, c.ref_right AS right, c.ref_salt AS salt,
    sub.code AS subject_code, ps.visit, c.created_at
  FROM calibration_sets c JOIN photo_sets ps ON ps.id = c.photo_set_id
  JOIN subjects sub ON sub.id = ps.subject_id`;

const QUALIFICATION = {
  raterId: column.text(),
  status: column.text<QualificationStatus>(),
  suspendedAt: column.timestampOrNull(),
  suspensionReason: column.textOrNull(),
};
export type QualificationRow = Row<typeof QUALIFICATION>;

const ROUND = {
  id: column.text(),
  studyId: column.text(),
  raterId: column.text(),
  roundNo: column.int(),
  status: column.text<'open' | 'passed' | 'failed' | 'cancelled'>(),
  meanAbsError: column.numericOrNull(),
  withinPercent: column.numericOrNull(),
  createdAt: column.timestamp(),
  decidedAt: column.timestampOrNull(),
};
export type RoundRow = Row<typeof ROUND>;
const SELECT_ROUND = `SELECT id, study_id, rater_id, round_no, status, mean_abs_error,
    within_percent, created_at, decided_at FROM qualification_rounds`;

const ROUND_OUTCOME = {
  readTaskId: column.text(),
  salt: column.numericOrNull(),
  referenceSalt: column.numeric(),
};
const ID = { id: column.text() };
const FINAL_SET_READS = {
  photoSetId: column.text(),
  raterIds: column.json<string[]>(),
  readIds: column.json<string[]>(),
  submittedAt: column.json<Date[]>(),
};
export type FinalSetReads = Row<typeof FINAL_SET_READS>;
const REREAD_PAIR = {
  raterId: column.text(),
  photoSetId: column.text(),
  first: column.numeric(),
  second: column.numeric(),
  submittedAt: column.timestamp(),
};
export type RereadPairRow = Row<typeof REREAD_PAIR>;
const CHART_READ = {
  raterId: column.text(),
  submittedAt: column.timestamp(),
  salt: column.numeric(),
  discordant: column.bool(),
  finalSalt: column.numericOrNull(),
};
const ALERT = {
  id: column.text(),
  raterId: column.text(),
  raterName: column.text(),
  chart: column.text<'discordance'>(),
  pointIndex: column.int(),
  value: column.numeric(),
  lowerLimit: column.numeric(),
  upperLimit: column.numeric(),
  createdAt: column.timestamp(),
};
export type AlertRow = Row<typeof ALERT>;
const RATER_MEMBER = { raterId: column.text(), name: column.text(), active: column.bool() };
const RATER = { raterId: column.text() };

/**
 * All SQL of reader quality: its own tables (calibration sets, qualification, rounds, re-reads,
 * alerts) and read-only questions about reads and final scores, as agreement/ asks them. Rows
 * of read_tasks are written by the reads feature only (reader-quality.events.ts).
 */
@Injectable()
export class ReaderQualityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  // ---- calibration sets ----------------------------------------------------------------------

  async calibrationSet(photoSetId: string, tx?: EntityManager): Promise<CalibrationSetRow | null> {
    return firstRow(
      this.db(tx),
      CALIBRATION_SET,
      `${SELECT_CALIBRATION} WHERE c.photo_set_id = $1`,
      [photoSetId],
    );
  }

  async isCalibrationSet(tx: EntityManager, photoSetId: string): Promise<boolean> {
    return (await this.calibrationSet(photoSetId, tx)) !== null;
  }

  /** Of `photoSetIds`, the calibration sets. */
  async calibrationSetIds(tx: EntityManager, photoSetIds: readonly string[]): Promise<Set<string>> {
    const found = await rows(
      tx,
      ID,
      `SELECT photo_set_id AS id FROM calibration_sets WHERE photo_set_id = ANY($1::uuid[])`,
      [photoSetIds],
    );
    return new Set(found.map((row) => row.id));
  }

  async calibrationSets(studyId: string): Promise<CalibrationSetRow[]> {
    return rows(
      this.dataSource.manager,
      CALIBRATION_SET,
      `${SELECT_CALIBRATION} WHERE c.study_id = $1 ORDER BY sub.code, ps.visit, c.photo_set_id`,
      [studyId],
    );
  }

  async upsertCalibrationSet(
    tx: EntityManager,
    set: { photoSetId: string; studyId: string; markedBy: string } & Record<
      'top' | 'back' | 'left' | 'right' | 'salt',
      number
    >,
  ): Promise<void> {
    await execute(
      tx,
      `INSERT INTO calibration_sets (photo_set_id, study_id, ref_top, ref_back, ref_left,
                                     ref_right, ref_salt, marked_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (photo_set_id) DO UPDATE
         SET ref_top = EXCLUDED.ref_top, ref_back = EXCLUDED.ref_back,
             ref_left = EXCLUDED.ref_left, ref_right = EXCLUDED.ref_right,
             ref_salt = EXCLUDED.ref_salt, marked_by = EXCLUDED.marked_by, updated_at = now()`,
      [set.photoSetId, set.studyId, set.top, set.back, set.left, set.right, set.salt, set.markedBy],
    );
  }

  /** Whether the set has (or had) a live read task: then it can no longer be a calibration set. */
  async hasLiveTasks(tx: EntityManager, photoSetId: string): Promise<boolean> {
    const found = await firstRow(
      tx,
      ID,
      `SELECT id FROM read_tasks WHERE photo_set_id = $1 AND kind = 'live' LIMIT 1`,
      [photoSetId],
    );
    return found !== null;
  }

  /**
   * Up to `limit` of the study's calibration sets, in random order, that the rater has no
   * current calibration task on and whose images are ready.
   */
  async unreadCalibrationSets(
    tx: EntityManager,
    studyId: string,
    raterId: string,
    limit: number,
  ): Promise<string[]> {
    const found = await rows(
      tx,
      ID,
      `SELECT c.photo_set_id AS id FROM calibration_sets c
         JOIN photo_sets ps ON ps.id = c.photo_set_id
        WHERE c.study_id = $1 AND ps.status IN ('ready', 'awaiting-raters')
          AND NOT EXISTS (
            SELECT 1 FROM read_tasks t
             WHERE t.photo_set_id = c.photo_set_id AND t.rater_id = $2
               AND t.kind = 'calibration' AND t.status NOT IN ('reassigned', 'voided'))
        ORDER BY random() LIMIT $3`,
      [studyId, raterId, limit],
    );
    return found.map((row) => row.id);
  }

  // ---- qualification -------------------------------------------------------------------------

  async qualifications(studyId: string, tx?: EntityManager): Promise<QualificationRow[]> {
    return rows(
      this.db(tx),
      QUALIFICATION,
      `SELECT rater_id, status, suspended_at, suspension_reason
         FROM rater_qualifications WHERE study_id = $1`,
      [studyId],
    );
  }

  /** The rater's row, locked for update (absent: never started qualification). */
  async lockQualification(
    tx: EntityManager,
    studyId: string,
    raterId: string,
  ): Promise<QualificationRow | null> {
    return firstRow(
      tx,
      QUALIFICATION,
      `SELECT rater_id, status, suspended_at, suspension_reason FROM rater_qualifications
        WHERE study_id = $1 AND rater_id = $2 FOR UPDATE`,
      [studyId, raterId],
    );
  }

  async qualification(
    studyId: string,
    raterId: string,
    tx?: EntityManager,
  ): Promise<QualificationRow | null> {
    return firstRow(
      this.db(tx),
      QUALIFICATION,
      `SELECT rater_id, status, suspended_at, suspension_reason FROM rater_qualifications
        WHERE study_id = $1 AND rater_id = $2`,
      [studyId, raterId],
    );
  }

  async setStatus(
    tx: EntityManager,
    studyId: string,
    raterId: string,
    status: QualificationStatus,
  ): Promise<void> {
    await execute(
      tx,
      `INSERT INTO rater_qualifications (study_id, rater_id, status) VALUES ($1, $2, $3)
       ON CONFLICT (study_id, rater_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()`,
      [studyId, raterId, status],
    );
  }

  /** Suspends (with a reason) or reinstates (null); the row exists or is made qualified-less. */
  async setSuspension(
    tx: EntityManager,
    studyId: string,
    raterId: string,
    reason: string | null,
    statusIfNew: QualificationStatus,
  ): Promise<void> {
    await execute(
      tx,
      `INSERT INTO rater_qualifications (study_id, rater_id, status, suspended_at, suspension_reason)
       VALUES ($1, $2, $4, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, $3)
       ON CONFLICT (study_id, rater_id) DO UPDATE
         SET suspended_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END,
             suspension_reason = $3, updated_at = now()`,
      [studyId, raterId, reason, statusIfNew],
    );
  }

  /**
   * Of `raterIds`, those who may take live work in the study: not suspended and, when the
   * study requires qualification, qualified. A rater without a row is neither suspended nor
   * qualified.
   */
  async liveRaterIds(
    tx: EntityManager,
    studyId: string,
    raterIds: string[],
    qualificationRequired: boolean,
  ): Promise<Set<string>> {
    if (raterIds.length === 0) return new Set();
    const allowed = await rows(
      tx,
      RATER,
      `SELECT r.id AS rater_id FROM unnest($2::uuid[]) AS r(id)
         LEFT JOIN rater_qualifications q ON q.study_id = $1 AND q.rater_id = r.id
        WHERE q.suspended_at IS NULL AND (NOT $3::boolean OR q.status = 'qualified')`,
      [studyId, raterIds, qualificationRequired],
    );
    return new Set(allowed.map((row) => row.raterId));
  }

  /** Active rater members of the study who have never started qualification in it. */
  async ratersNeverQualified(tx: EntityManager, studyId: string): Promise<string[]> {
    const found = await rows(
      tx,
      RATER,
      `SELECT m.user_id AS rater_id FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND 'rater' = ANY(m.roles) AND 'rater' = ANY(u.roles) AND u.active
          AND NOT EXISTS (SELECT 1 FROM rater_qualifications q
                           WHERE q.study_id = m.study_id AND q.rater_id = m.user_id)
        ORDER BY m.user_id`,
      [studyId],
    );
    return found.map((row) => row.raterId);
  }

  /** Studies whose charter asks for qualification: the reconciler starts waiting raters there. */
  async studiesRequiringQualification(): Promise<string[]> {
    const found = await rows(
      this.dataSource.manager,
      ID,
      `SELECT id FROM studies
        WHERE coalesce((settings -> 'readerQuality' ->> 'qualificationSetCount')::int, 0) > 0`,
    );
    return found.map((row) => row.id);
  }

  // ---- rounds --------------------------------------------------------------------------------

  async insertRound(tx: EntityManager, studyId: string, raterId: string): Promise<RoundRow> {
    return oneRow(
      tx,
      ROUND,
      `INSERT INTO qualification_rounds (study_id, rater_id, round_no)
       SELECT $1, $2, coalesce(max(round_no), 0) + 1 FROM qualification_rounds
        WHERE study_id = $1 AND rater_id = $2
       RETURNING id, study_id, rater_id, round_no, status, mean_abs_error, within_percent,
                 created_at, decided_at`,
      [studyId, raterId],
    );
  }

  async insertRoundTasks(
    tx: EntityManager,
    roundId: string,
    tasks: { readTaskId: string; photoSetId: string }[],
  ): Promise<void> {
    await execute(
      tx,
      `INSERT INTO qualification_round_tasks (read_task_id, round_id, photo_set_id)
       SELECT t.task, $1, t.set FROM unnest($2::uuid[], $3::uuid[]) AS t(task, set)`,
      [roundId, tasks.map((t) => t.readTaskId), tasks.map((t) => t.photoSetId)],
    );
  }

  async openRound(tx: EntityManager, studyId: string, raterId: string): Promise<RoundRow | null> {
    return firstRow(
      tx,
      ROUND,
      `${SELECT_ROUND} WHERE study_id = $1 AND rater_id = $2 AND status = 'open'`,
      [studyId, raterId],
    );
  }

  async roundOfTask(tx: EntityManager, readTaskId: string): Promise<RoundRow | null> {
    return firstRow(
      tx,
      ROUND,
      `${SELECT_ROUND} WHERE id = (SELECT round_id FROM qualification_round_tasks
                                  WHERE read_task_id = $1)
        FOR UPDATE`,
      [readTaskId],
    );
  }

  async rounds(studyId: string): Promise<RoundRow[]> {
    return rows(
      this.dataSource.manager,
      ROUND,
      `${SELECT_ROUND} WHERE study_id = $1 ORDER BY rater_id, round_no`,
      [studyId],
    );
  }

  /** Each task of the round with its current read's SALT (null until submitted). */
  async roundOutcomes(tx: EntityManager, roundId: string): Promise<Row<typeof ROUND_OUTCOME>[]> {
    return rows(
      tx,
      ROUND_OUTCOME,
      `SELECT rt.read_task_id, r.salt, c.ref_salt AS reference_salt
         FROM qualification_round_tasks rt
         JOIN calibration_sets c ON c.photo_set_id = rt.photo_set_id
         JOIN read_tasks t ON t.id = rt.read_task_id
         LEFT JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
                          AND t.status = 'submitted'
        WHERE rt.round_id = $1 AND t.status NOT IN ('reassigned', 'voided')`,
      [roundId],
    );
  }

  async decideRound(
    tx: EntityManager,
    roundId: string,
    status: 'passed' | 'failed' | 'cancelled',
    verdict: { meanAbsError: number; withinPercent: number } | null,
  ): Promise<boolean> {
    return changed(
      tx,
      `UPDATE qualification_rounds
          SET status = $2, mean_abs_error = $3, within_percent = $4, decided_at = now()
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [roundId, status, verdict?.meanAbsError ?? null, verdict?.withinPercent ?? null],
    );
  }

  /** The reference of a submitted calibration task of this rater (training feedback). */
  async referenceForOwnTask(
    raterId: string,
    readTaskId: string,
  ): Promise<(CalibrationSetRow & { studyId: string }) | null> {
    return firstRow(
      this.dataSource.manager,
      CALIBRATION_SET,
      `${SELECT_CALIBRATION}
         JOIN read_tasks t ON t.photo_set_id = c.photo_set_id
        WHERE t.id = $1 AND t.rater_id = $2 AND t.kind = 'calibration'
          AND t.status = 'submitted'`,
      [readTaskId, raterId],
    );
  }

  // ---- re-reads ------------------------------------------------------------------------------

  /** Final live sets of the study with no re-read yet, with each current read of the pair. */
  async finalSetsWithoutReread(tx: EntityManager, studyId: string): Promise<FinalSetReads[]> {
    return rows(
      tx,
      FINAL_SET_READS,
      `SELECT s.id AS photo_set_id, array_agg(r.rater_id ORDER BY t.slot) AS rater_ids,
              array_agg(r.id ORDER BY t.slot) AS read_ids,
              array_agg(r.submitted_at ORDER BY t.slot) AS submitted_at
         FROM photo_sets s
         JOIN read_tasks t ON t.photo_set_id = s.id AND t.kind = 'live' AND t.status = 'submitted'
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE s.study_id = $1 AND s.status = 'final'
          AND NOT EXISTS (SELECT 1 FROM rereads x WHERE x.photo_set_id = s.id)
        GROUP BY s.id ORDER BY s.id`,
      [studyId],
    );
  }

  /** Reads the rater submitted in the study after `since` (any kind: all of them fill the washout). */
  async readsSince(
    tx: EntityManager,
    studyId: string,
    raterId: string,
    since: Date,
  ): Promise<number> {
    const row = await oneRow(
      tx,
      { count: column.count() },
      `SELECT count(*) AS count FROM reads r JOIN read_tasks t ON t.id = r.read_task_id
        WHERE t.study_id = $1 AND r.rater_id = $2 AND r.submitted_at > $3`,
      [studyId, raterId, since],
    );
    return row.count;
  }

  /** Active rater members of the study (re-read by someone who left is not possible). */
  async activeRaters(tx: EntityManager, studyId: string): Promise<Set<string>> {
    const found = await rows(
      tx,
      RATER,
      `SELECT m.user_id AS rater_id FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND 'rater' = ANY(m.roles) AND 'rater' = ANY(u.roles) AND u.active`,
      [studyId],
    );
    return new Set(found.map((row) => row.raterId));
  }

  /** Records a scheduled re-read; false when the set already has one. */
  async insertReread(
    tx: EntityManager,
    reread: {
      photoSetId: string;
      studyId: string;
      raterId: string;
      originalReadId: string;
      readTaskId: string;
    },
  ): Promise<boolean> {
    return changed(
      tx,
      `INSERT INTO rereads (photo_set_id, study_id, rater_id, original_read_id, read_task_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (photo_set_id) DO NOTHING RETURNING photo_set_id`,
      [reread.photoSetId, reread.studyId, reread.raterId, reread.originalReadId, reread.readTaskId],
    );
  }

  async hasReread(tx: EntityManager, photoSetId: string): Promise<boolean> {
    const found = await firstRow(
      tx,
      ID,
      `SELECT photo_set_id AS id FROM rereads WHERE photo_set_id = $1`,
      [photoSetId],
    );
    return found !== null;
  }

  /** Studies whose charter asks for re-reads. */
  async studiesWithRereads(): Promise<string[]> {
    const found = await rows(
      this.dataSource.manager,
      ID,
      `SELECT id FROM studies
        WHERE coalesce((settings -> 'readerQuality' ->> 'rereadShare')::float8, 0) > 0`,
    );
    return found.map((row) => row.id);
  }

  /** Each submitted re-read with the rater's first read of the same set. */
  async rereadPairs(studyId: string): Promise<Row<typeof REREAD_PAIR>[]> {
    return rows(
      this.dataSource.manager,
      REREAD_PAIR,
      `SELECT x.rater_id, x.photo_set_id, o.salt AS first, r.salt AS second,
              r.submitted_at
         FROM rereads x
         JOIN reads o ON o.id = x.original_read_id
         JOIN read_tasks t ON t.id = x.read_task_id AND t.status = 'submitted'
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE x.study_id = $1
        ORDER BY x.rater_id, r.submitted_at`,
      [studyId],
    );
  }

  // ---- drift ---------------------------------------------------------------------------------

  /**
   * Every current live read of the study whose pair was evaluated, with the pair's outcome and
   * the set's final SALT (null while not final), for the control charts.
   */
  async chartReads(studyId: string): Promise<Row<typeof CHART_READ>[]> {
    return rows(
      this.dataSource.manager,
      CHART_READ,
      `SELECT r.rater_id, r.submitted_at, r.salt, e.outcome = 'discordant' AS discordant,
              f.salt AS final_salt
         FROM read_tasks t
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
         JOIN LATERAL (
           SELECT pe.outcome FROM pair_evaluations pe
            WHERE pe.photo_set_id = t.photo_set_id AND (pe.read_a_id = r.id OR pe.read_b_id = r.id)
            ORDER BY pe.evaluated_at DESC LIMIT 1) e ON true
         LEFT JOIN LATERAL (
           SELECT fs.salt FROM final_scores fs JOIN photo_sets ps ON ps.id = fs.photo_set_id
            WHERE fs.photo_set_id = t.photo_set_id AND ps.status = 'final'
            ORDER BY fs.version DESC LIMIT 1) f ON true
        WHERE t.study_id = $1 AND t.kind = 'live' AND t.status = 'submitted'
        ORDER BY r.rater_id, r.submitted_at, r.id`,
      [studyId],
    );
  }

  /** Records an alert once per chart point; false when it was raised before. */
  async insertAlert(
    tx: EntityManager,
    alert: {
      studyId: string;
      raterId: string;
      pointIndex: number;
      value: number;
      lowerLimit: number;
      upperLimit: number;
    },
  ): Promise<string | null> {
    const inserted = await firstRow(
      tx,
      ID,
      `INSERT INTO reader_alerts (study_id, rater_id, chart, point_index, value, lower_limit,
                                  upper_limit)
       VALUES ($1, $2, 'discordance', $3, $4, $5, $6)
       ON CONFLICT (study_id, rater_id, chart, point_index) DO NOTHING RETURNING id`,
      [
        alert.studyId,
        alert.raterId,
        alert.pointIndex,
        alert.value,
        alert.lowerLimit,
        alert.upperLimit,
      ],
    );
    return inserted?.id ?? null;
  }

  async alerts(studyId: string): Promise<Row<typeof ALERT>[]> {
    return rows(
      this.dataSource.manager,
      ALERT,
      `SELECT a.id, a.rater_id, u.name AS rater_name, a.chart, a.point_index, a.value,
              a.lower_limit, a.upper_limit, a.created_at
         FROM reader_alerts a JOIN users u ON u.id = a.rater_id
        WHERE a.study_id = $1 ORDER BY a.created_at DESC, a.id`,
      [studyId],
    );
  }

  /** Every rater member of the study (active or not), for the reader-quality page. */
  async raterMembers(studyId: string): Promise<Row<typeof RATER_MEMBER>[]> {
    return rows(
      this.dataSource.manager,
      RATER_MEMBER,
      `SELECT u.id AS rater_id, u.name, u.active FROM study_members m JOIN users u ON u.id = m.user_id
        WHERE m.study_id = $1 AND 'rater' = ANY(m.roles) ORDER BY u.name, u.id`,
      [studyId],
    );
  }

  /** Studies with at least one evaluated live pair: the ones whose charts can move. */
  async studiesWithLiveReads(): Promise<string[]> {
    const found = await rows(
      this.dataSource.manager,
      ID,
      `SELECT st.id FROM studies st
        WHERE EXISTS (SELECT 1 FROM pair_evaluations pe JOIN photo_sets ps ON ps.id = pe.photo_set_id
                       WHERE ps.study_id = st.id)`,
    );
    return found.map((row) => row.id);
  }
}
