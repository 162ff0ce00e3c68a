import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, Row, rows } from '../database/typed-query';

const SET = {
  photoSetId: column.text(),
  subjectCode: column.text(),
  visit: column.text(),
  visitDate: column.textOrNull(),
  status: column.text(),
};
const READ = {
  photoSetId: column.text(),
  slot: column.int<1 | 2>(),
  raterId: column.text(),
  raterName: column.text(),
  salt: column.numeric(),
  top: column.numeric(),
  back: column.numeric(),
  left: column.numeric(),
  right: column.numeric(),
  submittedAt: column.timestamp(),
  readTaskId: column.text(),
  version: column.int(),
  signedBy: column.textOrNull(),
  signedAt: column.timestampOrNull(),
  signatureMeaning: column.textOrNull(),
};
const EVALUATION = {
  photoSetId: column.text(),
  difference: column.numeric(),
  rulesFired: column.json<string[]>(),
};
const ADJUDICATION = {
  photoSetId: column.text(),
  adjudicatorId: column.text(),
  adjudicatorName: column.text(),
  choice: column.textOrNull(),
  rationale: column.textOrNull(),
  decidedAt: column.timestampOrNull(),
  signedBy: column.textOrNull(),
  signedAt: column.timestampOrNull(),
  signatureMeaning: column.textOrNull(),
};
const FINAL = {
  photoSetId: column.text(),
  salt: column.numeric(),
  source: column.text<'concordant-mean' | 'adjudicated'>(),
};

export type SetRow = Row<typeof SET>;
export type ReadRow = Row<typeof READ>;
export type EvaluationRow = Row<typeof EVALUATION>;
export type AdjudicationRow = Row<typeof ADJUDICATION>;
export type FinalRow = Row<typeof FINAL>;

/** The unblinded results of a study, one query per kind of fact. */
@Injectable()
export class ResultsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  sets(studyId: string): Promise<SetRow[]> {
    return rows(
      this.dataSource.manager,
      SET,
      `SELECT s.id AS photo_set_id, sub.code AS subject_code, s.visit,
              to_char(s.visit_date, 'YYYY-MM-DD') AS visit_date, s.status
         FROM photo_sets s JOIN subjects sub ON sub.id = s.subject_id
        WHERE s.study_id = $1
          -- Calibration sets (reader-quality/) qualify raters; they are never results.
          AND NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = s.id)
        ORDER BY sub.code, s.visit_date NULLS LAST, s.visit, s.id`,
      [studyId],
    );
  }

  /** The current read of each submitted task (the latest version). */
  reads(studyId: string): Promise<ReadRow[]> {
    return rows(
      this.dataSource.manager,
      READ,
      `SELECT t.photo_set_id, t.slot, r.rater_id, u.name AS rater_name, r.salt,
              r.score_top AS top, r.score_back AS back, r.score_left AS left,
              r.score_right AS right, r.submitted_at, t.id AS read_task_id, r.version,
              sg.printed_name AS signed_by, sg.signed_at, sg.meaning AS signature_meaning
         FROM read_tasks t
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
         JOIN users u ON u.id = r.rater_id
         LEFT JOIN signatures sg ON sg.record_type = 'read' AND sg.record_id = r.id
        WHERE t.study_id = $1 AND t.status = 'submitted' AND t.kind = 'live'`,
      [studyId],
    );
  }

  evaluations(studyId: string): Promise<EvaluationRow[]> {
    return rows(
      this.dataSource.manager,
      EVALUATION,
      `SELECT DISTINCT ON (e.photo_set_id) e.photo_set_id, e.difference, e.rules_fired
         FROM pair_evaluations e JOIN photo_sets s ON s.id = e.photo_set_id
        WHERE s.study_id = $1
          -- A pair whose reads a replacement image voided no longer counts.
          AND NOT EXISTS (SELECT 1 FROM reads vr JOIN read_tasks vt ON vt.id = vr.read_task_id
                           WHERE vr.id IN (e.read_a_id, e.read_b_id) AND vt.status = 'voided')
        ORDER BY e.photo_set_id, e.evaluated_at DESC, e.id`,
      [studyId],
    );
  }

  adjudications(studyId: string): Promise<AdjudicationRow[]> {
    return rows(
      this.dataSource.manager,
      ADJUDICATION,
      `SELECT DISTINCT ON (a.photo_set_id) a.photo_set_id, a.adjudicator_id,
              u.name AS adjudicator_name, d.choice, d.rationale, d.decided_at,
              sg.printed_name AS signed_by, sg.signed_at, sg.meaning AS signature_meaning
         FROM adjudication_tasks a
         JOIN users u ON u.id = a.adjudicator_id
         LEFT JOIN adjudication_decisions d ON d.adjudication_task_id = a.id
         LEFT JOIN signatures sg
           ON sg.record_type = 'adjudication-decision' AND sg.record_id = d.id
        WHERE a.study_id = $1 AND a.status <> 'voided'
        ORDER BY a.photo_set_id, a.created_at DESC, a.id`,
      [studyId],
    );
  }

  finals(studyId: string): Promise<FinalRow[]> {
    return rows(
      this.dataSource.manager,
      FINAL,
      `SELECT DISTINCT ON (f.photo_set_id) f.photo_set_id, f.salt, f.source
         FROM final_scores f JOIN photo_sets s ON s.id = f.photo_set_id
        WHERE s.study_id = $1
        ORDER BY f.photo_set_id, f.version DESC`,
      [studyId],
    );
  }
}
