import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, compactRows, Row } from '../database/typed-query';

const VISIT_VALUE = {
  subjectCode: column.text(),
  visit: column.text(),
  finalSalt: column.numericOrNull(),
};
export type VisitValueRow = Row<typeof VISIT_VALUE>;

/** The rows trial endpoints are computed from. */
@Injectable()
export class EndpointsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Every photo set of the study with its current final SALT, or null while the set is not
   * final (a reopened set keeps its old final_scores rows, which no longer count). Array rows:
   * a study can have 100k sets.
   */
  visitValues(studyId: string): Promise<VisitValueRow[]> {
    return compactRows(
      this.dataSource,
      VISIT_VALUE,
      `SELECT sub.code, s.visit, f.salt
         FROM photo_sets s
         JOIN subjects sub ON sub.id = s.subject_id
         LEFT JOIN LATERAL (
           SELECT salt FROM final_scores
            WHERE photo_set_id = s.id ORDER BY version DESC LIMIT 1
         ) f ON s.status = 'final'
        WHERE s.study_id = $1`,
      [studyId],
    );
  }
}
