import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows';

export interface SetRow {
  photoSetId: string;
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  status: string;
}

export interface ReadRow {
  photoSetId: string;
  slot: 1 | 2;
  raterId: string;
  raterName: string;
  salt: string;
  top: string;
  back: string;
  left: string;
  right: string;
  submittedAt: Date;
}

export interface EvaluationRow {
  photoSetId: string;
  difference: string;
  rulesFired: string[];
}

export interface AdjudicationRow {
  photoSetId: string;
  adjudicatorId: string;
  adjudicatorName: string;
  choice: string | null;
  rationale: string | null;
  decidedAt: Date | null;
}

export interface FinalRow {
  photoSetId: string;
  salt: string;
  source: 'concordant-mean' | 'adjudicated';
}

/** The unblinded results of a study, one query per kind of fact. */
@Injectable()
export class ResultsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  sets(studyId: string): Promise<SetRow[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT s.id AS "photoSetId", sub.code AS "subjectCode", s.visit,
              to_char(s.visit_date, 'YYYY-MM-DD') AS "visitDate", s.status
         FROM photo_sets s JOIN subjects sub ON sub.id = s.subject_id
        WHERE s.study_id = $1
        ORDER BY sub.code, s.visit_date NULLS LAST, s.visit, s.id`,
      [studyId],
    );
  }

  /** The current read of each submitted task (the latest version). */
  reads(studyId: string): Promise<ReadRow[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT t.photo_set_id AS "photoSetId", t.slot, r.rater_id AS "raterId", u.name AS "raterName",
              r.salt, r.score_top AS top, r.score_back AS back, r.score_left AS "left",
              r.score_right AS "right", r.submitted_at AS "submittedAt"
         FROM read_tasks t
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
         JOIN users u ON u.id = r.rater_id
        WHERE t.study_id = $1 AND t.status = 'submitted'`,
      [studyId],
    );
  }

  evaluations(studyId: string): Promise<EvaluationRow[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT DISTINCT ON (e.photo_set_id) e.photo_set_id AS "photoSetId", e.difference,
              e.rules_fired AS "rulesFired"
         FROM pair_evaluations e JOIN photo_sets s ON s.id = e.photo_set_id
        WHERE s.study_id = $1
        ORDER BY e.photo_set_id, e.evaluated_at DESC, e.id`,
      [studyId],
    );
  }

  adjudications(studyId: string): Promise<AdjudicationRow[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT DISTINCT ON (a.photo_set_id) a.photo_set_id AS "photoSetId",
              a.adjudicator_id AS "adjudicatorId", u.name AS "adjudicatorName", d.choice,
              d.rationale, d.decided_at AS "decidedAt"
         FROM adjudication_tasks a
         JOIN users u ON u.id = a.adjudicator_id
         LEFT JOIN adjudication_decisions d ON d.adjudication_task_id = a.id
        WHERE a.study_id = $1
        ORDER BY a.photo_set_id, a.created_at DESC, a.id`,
      [studyId],
    );
  }

  finals(studyId: string): Promise<FinalRow[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT DISTINCT ON (f.photo_set_id) f.photo_set_id AS "photoSetId", f.salt, f.source
         FROM final_scores f JOIN photo_sets s ON s.id = f.photo_set_id
        WHERE s.study_id = $1
        ORDER BY f.photo_set_id, f.version DESC`,
      [studyId],
    );
  }
}
