import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One evaluated pair: the latest evaluation of each set, with the adjudicator's choice if any. */
export interface EvaluatedPair {
  /** 'YYYY-MM' of the evaluation, for monitoring over time. */
  month: string;
  discordant: boolean;
  raterA: string;
  saltA: number;
  raterB: string;
  saltB: number;
  choice: 'A' | 'B' | 'own' | null;
}

export interface RaterName {
  id: string;
  name: string;
}

type PairRow = [string, boolean, string, number, string, number, 'A' | 'B' | 'own' | null];

interface RawClient {
  query(config: {
    text: string;
    values: unknown[];
    rowMode: 'array';
  }): Promise<{ rows: PairRow[] }>;
}

@Injectable()
export class AgreementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Studies reach 100k pairs, so this reads compact array rows straight from the pg client:
   * object rows through TypeORM cost several times more than the statistics themselves.
   */
  async evaluatedPairs(studyId: string): Promise<EvaluatedPair[]> {
    const runner = this.dataSource.createQueryRunner('slave');
    try {
      const client = (await runner.connect()) as RawClient;
      const { rows } = await client.query({
        text: `SELECT DISTINCT ON (pe.photo_set_id)
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
                ORDER BY pe.photo_set_id, pe.evaluated_at DESC`,
        values: [studyId],
        rowMode: 'array',
      });
      return rows.map(([month, discordant, raterA, saltA, raterB, saltB, choice]) => ({
        month,
        discordant,
        raterA,
        saltA,
        raterB,
        saltB,
        choice,
      }));
    } finally {
      await runner.release();
    }
  }

  async raterNames(ids: string[]): Promise<RaterName[]> {
    if (!ids.length) return [];
    return this.dataSource.query(`SELECT id, name FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
