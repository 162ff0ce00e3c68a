import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One evaluated pair: the latest evaluation of each set, with the adjudicator's choice if any. */
export interface EvaluatedPair {
  photoSetId: string;
  evaluatedAt: Date;
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

@Injectable()
export class AgreementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async evaluatedPairs(studyId: string): Promise<EvaluatedPair[]> {
    const rows: {
      photo_set_id: string;
      evaluated_at: Date;
      outcome: string;
      rater_a: string;
      salt_a: number;
      rater_b: string;
      salt_b: number;
      choice: 'A' | 'B' | 'own' | null;
    }[] = await this.dataSource.query(
      `SELECT DISTINCT ON (pe.photo_set_id)
              pe.photo_set_id, pe.evaluated_at, pe.outcome,
              ra.rater_id AS rater_a, ra.salt::float8 AS salt_a,
              rb.rater_id AS rater_b, rb.salt::float8 AS salt_b,
              d.choice
         FROM pair_evaluations pe
         JOIN photo_sets ps ON ps.id = pe.photo_set_id
         JOIN reads ra ON ra.id = pe.read_a_id
         JOIN reads rb ON rb.id = pe.read_b_id
         LEFT JOIN adjudication_tasks t ON t.evaluation_id = pe.id
         LEFT JOIN adjudication_decisions d ON d.adjudication_task_id = t.id
        WHERE ps.study_id = $1
        ORDER BY pe.photo_set_id, pe.evaluated_at DESC`,
      [studyId],
    );
    return rows.map((row) => ({
      photoSetId: row.photo_set_id,
      evaluatedAt: row.evaluated_at,
      discordant: row.outcome === 'discordant',
      raterA: row.rater_a,
      saltA: row.salt_a,
      raterB: row.rater_b,
      saltB: row.salt_b,
      choice: row.choice,
    }));
  }

  async raterNames(ids: string[]): Promise<RaterName[]> {
    if (!ids.length) return [];
    return this.dataSource.query(`SELECT id, name FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
