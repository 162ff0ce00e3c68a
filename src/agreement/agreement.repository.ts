import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, compactRows, Row, rows } from '../database/typed-query';

const EVALUATED_PAIR = {
  /** 'YYYY-MM' of the evaluation, for monitoring over time. */
  month: column.text(),
  discordant: column.bool(),
  raterA: column.text(),
  saltA: column.numeric(),
  raterB: column.text(),
  saltB: column.numeric(),
  choice: column.textOrNull<'A' | 'B' | 'own'>(),
};
const RATER_NAME = { id: column.text(), name: column.text() };

/** One evaluated pair: the latest evaluation of each set, with the adjudicator's choice if any. */
export type EvaluatedPair = Row<typeof EVALUATED_PAIR>;
export type RaterName = Row<typeof RATER_NAME>;

@Injectable()
export class AgreementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Studies reach 100k pairs, so this reads compact array rows straight from the pg client:
   * object rows through TypeORM cost several times more than the statistics themselves.
   */
  async evaluatedPairs(studyId: string): Promise<EvaluatedPair[]> {
    return compactRows(
      this.dataSource,
      EVALUATED_PAIR,
      `SELECT DISTINCT ON (pe.photo_set_id)
                      to_char(pe.evaluated_at AT TIME ZONE 'UTC', 'YYYY-MM'),
                      pe.outcome = 'discordant',
                      ra.rater_id::text, ra.salt::float8,
                      rb.rater_id::text, rb.salt::float8,
                      d.choice
                 FROM pair_evaluations pe
                 JOIN photo_sets ps ON ps.id = pe.photo_set_id
                 JOIN reads ra ON ra.id = pe.read_a_id
                 JOIN reads rb ON rb.id = pe.read_b_id
                 LEFT JOIN adjudication_tasks t ON t.evaluation_id = pe.id
                 LEFT JOIN adjudication_decisions d ON d.adjudication_task_id = t.id
                WHERE ps.study_id = $1
                  -- Reads voided by a replacement image (image queries) never count.
                  AND NOT EXISTS (SELECT 1 FROM read_tasks vt
                                   WHERE vt.id IN (ra.read_task_id, rb.read_task_id)
                                     AND vt.status = 'voided')
                ORDER BY pe.photo_set_id, pe.evaluated_at DESC`,
      [studyId],
    );
  }

  async raterNames(ids: string[]): Promise<RaterName[]> {
    if (!ids.length) return [];
    return rows(
      this.dataSource,
      RATER_NAME,
      `SELECT id, name FROM users WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }
}
