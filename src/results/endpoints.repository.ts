import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, compactRows, Row } from '../database/typed-query';

const VISIT_VALUE = {
  subjectCode: column.text(),
  visit: column.text(),
  finalSalt: column.numericOrNull(),
  version: column.numericOrNull(),
};
export type VisitValueRow = Omit<Row<typeof VISIT_VALUE>, 'version'>;

/** The rows trial endpoints are computed from. */
@Injectable()
export class EndpointsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Every photo set of the study with its current final SALT, or null while the set is not
   * final (a reopened set keeps its old final_scores rows, which no longer count). Array rows:
   * a study can have 100k sets.
   */
  async visitValues(studyId: string): Promise<VisitValueRow[]> {
    // A plain hash join with every final version, the older ones dropped below: twice as fast
    // at 100k sets as picking the latest version in SQL (a lateral join or an anti-join).
    const found = await compactRows(
      this.dataSource,
      VISIT_VALUE,
      `SELECT sub.code, s.visit, f.salt, f.version
         FROM photo_sets s
         JOIN subjects sub ON sub.id = s.subject_id
         LEFT JOIN final_scores f ON f.photo_set_id = s.id AND s.status = 'final'
        WHERE s.study_id = $1
          -- Calibration sets (reader-quality/) qualify raters; they are never endpoint values.
          AND NOT EXISTS (SELECT 1 FROM calibration_sets c WHERE c.photo_set_id = s.id)`,
      [studyId],
    );
    return latestVersions(found);
  }
}

/**
 * One row per set: a set with corrected final scores (version > 1) comes back once per version;
 * keep its latest. A subject has one set per visit, so (subject, visit) names the set.
 */
export function latestVersions(found: Row<typeof VISIT_VALUE>[]): VisitValueRow[] {
  const key = (row: Row<typeof VISIT_VALUE>) => JSON.stringify([row.subjectCode, row.visit]);
  const latest = new Map<string, number>();
  for (const row of found) {
    if (row.version !== null && row.version > 1) {
      latest.set(key(row), Math.max(row.version, latest.get(key(row)) ?? 0));
    }
  }
  const current = latest.size
    ? found.filter((row) => row.version === null || row.version === (latest.get(key(row)) ?? 1))
    : found;
  return current.map(({ subjectCode, visit, finalSalt }) => ({ subjectCode, visit, finalSalt }));
}
