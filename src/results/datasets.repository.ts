import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, oneRow, Row, rows } from '../database/typed-query';

const SUBJECT_SET = {
  subjectCode: column.text(),
  photoSetId: column.text(),
  visit: column.text(),
  visitDate: column.textOrNull(),
  status: column.text(),
  finalSalt: column.numericOrNull(),
  source: column.textOrNull<'concordant-mean' | 'adjudicated'>(),
};
export type SubjectSetRow = Row<typeof SUBJECT_SET>;

const READ_RECORD = {
  subjectCode: column.text(),
  visit: column.text(),
  visitDate: column.textOrNull(),
  photoSetId: column.text(),
  status: column.text(),
  raterId: column.text(),
  slot: column.int<1 | 2>(),
  version: column.int(),
  salt: column.numeric(),
  top: column.numeric(),
  back: column.numeric(),
  left: column.numeric(),
  right: column.numeric(),
  submittedAt: column.timestamp(),
};
export type ReadRecordRow = Row<typeof READ_RECORD>;

/** The subjects of one page: codes in (after, last]. */
const SUBJECT_PAGE = `WITH page AS (
    SELECT id, code FROM subjects WHERE study_id = $1 AND code > $2 AND code <= $3)`;

/**
 * The analysis datasets, read a page of subjects at a time (keyset on the subject code, which
 * is unique in a study): `subjectPage` gives a page's codes, the dataset queries read the rows
 * of codes in (after, last], so an export of 100k sets never sits in memory at once.
 */
@Injectable()
export class DatasetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The next `limit` subject codes after `after` (in code order): one page. */
  async subjectPage(studyId: string, after: string, limit: number): Promise<string[]> {
    const found = await rows(
      this.dataSource.manager,
      { code: column.text() },
      `SELECT code FROM subjects WHERE study_id = $1 AND code > $2 ORDER BY code LIMIT $3`,
      [studyId, after, limit],
    );
    return found.map((row) => row.code);
  }

  /** The sets of a page of subjects, with their current final SALT and its source. */
  subjectSets(studyId: string, after: string, last: string): Promise<SubjectSetRow[]> {
    return rows(
      this.dataSource.manager,
      SUBJECT_SET,
      `${SUBJECT_PAGE}
       SELECT p.code AS subject_code, s.id AS photo_set_id, s.visit,
              to_char(s.visit_date, 'YYYY-MM-DD') AS visit_date, s.status,
              f.salt AS final_salt, f.source
         FROM page p
         JOIN photo_sets s ON s.subject_id = p.id
         LEFT JOIN LATERAL (
           SELECT salt, source FROM final_scores
            WHERE photo_set_id = s.id ORDER BY version DESC LIMIT 1
         ) f ON s.status = 'final'
        WHERE NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = s.id)
        ORDER BY p.code, s.id`,
      [studyId, after, last],
    );
  }

  /**
   * The current read of each submitted task of a page of subjects; `finalOnly` for a
   * coordinator, who sees reads only once their set is final (DESIGN §2).
   */
  reads(
    studyId: string,
    after: string,
    last: string,
    finalOnly: boolean,
  ): Promise<ReadRecordRow[]> {
    return rows(
      this.dataSource.manager,
      READ_RECORD,
      `${SUBJECT_PAGE}
       SELECT p.code AS subject_code, s.visit, to_char(s.visit_date, 'YYYY-MM-DD') AS visit_date,
              s.id AS photo_set_id, s.status, r.rater_id, t.slot, r.version, r.salt,
              r.score_top AS top, r.score_back AS back, r.score_left AS left,
              r.score_right AS right, r.submitted_at
         FROM page p
         JOIN photo_sets s ON s.subject_id = p.id
         JOIN read_tasks t ON t.photo_set_id = s.id AND t.status = 'submitted' AND t.kind = 'live'
         JOIN reads r ON r.read_task_id = t.id AND r.version = t.version
        WHERE NOT $4::boolean OR s.status = 'final'
        ORDER BY p.code, s.id, t.slot`,
      [studyId, after, last, finalOnly],
    );
  }

  /** The study's raters in order of their first read in it (ties by id): their pseudonyms. */
  async ratersInFirstReadOrder(studyId: string): Promise<string[]> {
    const found = await rows(
      this.dataSource.manager,
      { raterId: column.text() },
      `SELECT r.rater_id FROM reads r JOIN read_tasks t ON t.id = r.read_task_id
        WHERE t.study_id = $1 AND t.kind = 'live'
        GROUP BY r.rater_id ORDER BY min(r.submitted_at), r.rater_id`,
      [studyId],
    );
    return found.map((row) => row.raterId);
  }

  async setCount(studyId: string): Promise<number> {
    const row = await oneRow(
      this.dataSource.manager,
      { count: column.count() },
      `SELECT count(*) AS count FROM photo_sets s
        WHERE s.study_id = $1
          AND NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = s.id)`,
      [studyId],
    );
    return row.count;
  }
}
