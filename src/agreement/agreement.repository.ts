import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, Column, Row, rows } from '../database/typed-query';
import { emptyPairColumns, EvaluatedPairs } from './evaluated-pairs';

export type { EvaluatedPair } from './evaluated-pairs';

const bytes: Column<Buffer> = {
  parse: (value) => {
    if (!Buffer.isBuffer(value)) throw new Error('expected a bytea column');
    return value;
  },
};

const PAIR_GROUP = { raterA: column.text(), raterB: column.text(), sets: bytes };
const RATER_NAME = { id: column.text(), name: column.text() };

export type RaterName = Row<typeof RATER_NAME>;

/**
 * One set in PAIR_GROUP.sets, as SQL packs it: its position in the study's set order (int4),
 * both SALTs in tenths (int2 each), the evaluation month as year·12 + month − 1 (int4), and flags
 * (int2): 1 if discordant, plus 2·choice (Choice code: 1 A, 2 B, 3 own). Big-endian, as the
 * int*send functions write them.
 */
const SET_BYTES = 14;

@Injectable()
export class AgreementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The latest evaluation of each set whose reads still count, with the adjudicator's choice if
   * any, in set-id order (the order every sum runs in, so the same data gives the same digits).
   *
   * Studies reach 100k sets. Rows of seven values each cost more to send, parse and hold than
   * every statistic computed from them, so the sets come back grouped by their two raters (a
   * handful of rows), each group one bytea of fixed-width integers, decoded into typed arrays.
   */
  async evaluatedPairs(studyId: string): Promise<EvaluatedPairs> {
    const groups = await rows(
      this.dataSource,
      PAIR_GROUP,
      `SELECT rater_a::text, rater_b::text,
              string_agg(int4send(position) || int2send(tenths_a) || int2send(tenths_b)
                           || int4send(month) || int2send(flags), '') AS sets
         FROM (SELECT (row_number() OVER (ORDER BY photo_set_id) - 1)::int AS position, *
                 FROM (SELECT DISTINCT ON (pe.photo_set_id)
                              pe.photo_set_id,
                              ra.rater_id AS rater_a, (ra.salt * 10)::int2 AS tenths_a,
                              rb.rater_id AS rater_b, (rb.salt * 10)::int2 AS tenths_b,
                              (date_part('year', pe.evaluated_at AT TIME ZONE 'UTC') * 12
                                + date_part('month', pe.evaluated_at AT TIME ZONE 'UTC') - 1)::int
                                AS month,
                              ((pe.outcome = 'discordant')::int
                                + 2 * CASE d.choice WHEN 'A' THEN 1 WHEN 'B' THEN 2
                                                    WHEN 'own' THEN 3 ELSE 0 END)::int2 AS flags
                         FROM pair_evaluations pe
                         JOIN photo_sets ps ON ps.id = pe.photo_set_id
                         JOIN reads ra ON ra.id = pe.read_a_id
                         JOIN reads rb ON rb.id = pe.read_b_id
                         LEFT JOIN adjudication_tasks t ON t.evaluation_id = pe.id
                         LEFT JOIN adjudication_decisions d ON d.adjudication_task_id = t.id
                        WHERE ps.study_id = $1
                          -- Reads voided by a replacement image (image queries) never count.
                          -- One anti-join per read: each hashes the few voided tasks.
                          AND NOT EXISTS (SELECT 1 FROM read_tasks vt
                                           WHERE vt.id = ra.read_task_id AND vt.status = 'voided')
                          AND NOT EXISTS (SELECT 1 FROM read_tasks vt
                                           WHERE vt.id = rb.read_task_id AND vt.status = 'voided')
                        ORDER BY pe.photo_set_id, pe.evaluated_at DESC) latest) numbered
        GROUP BY rater_a, rater_b`,
      [studyId],
    );
    return decodePairGroups(groups);
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

function monthLabel(month: number): string {
  const year = Math.floor(month / 12);
  return `${String(year).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/** Typed columns of the packed groups; see SET_BYTES for the layout. */
export function decodePairGroups(groups: Row<typeof PAIR_GROUP>[]): EvaluatedPairs {
  const count = groups.reduce((sum, group) => sum + group.sets.length / SET_BYTES, 0);
  const raterIds = [...new Set(groups.flatMap((group) => [group.raterA, group.raterB]))].sort();
  const raterIndex = new Map(raterIds.map((id, index) => [id, index]));
  const pairs = emptyPairColumns(count, raterIds, []);
  // Months as SQL gave them (year·12 + month − 1) until the distinct ones are known.
  const rawMonths = new Uint32Array(count);
  for (const group of groups) {
    const a = raterIndex.get(group.raterA) ?? 0;
    const b = raterIndex.get(group.raterB) ?? 0;
    const view = new DataView(group.sets.buffer, group.sets.byteOffset, group.sets.byteLength);
    for (let at = 0; at < view.byteLength; at += SET_BYTES) {
      const i = view.getInt32(at);
      pairs.raterA[i] = a;
      // A tenth divided by 10 is the same double as the numeric's text parsed: both round once.
      pairs.saltA[i] = view.getInt16(at + 4) / 10;
      pairs.raterB[i] = b;
      pairs.saltB[i] = view.getInt16(at + 6) / 10;
      rawMonths[i] = view.getInt32(at + 8);
      const flags = view.getInt16(at + 12);
      pairs.discordant[i] = flags & 1;
      pairs.choice[i] = flags >> 1;
    }
  }
  const distinct = [...new Set(rawMonths)].sort((x, y) => x - y);
  pairs.months = distinct.map(monthLabel);
  const monthIndex = new Map(distinct.map((month, index) => [month, index]));
  for (let i = 0; i < count; i++) pairs.month[i] = monthIndex.get(rawMonths[i]) ?? 0;
  return pairs;
}
