import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { column, firstRow, oneRow, Row, rows } from '../database/typed-query';
import { View } from '../photo-sets/photo-set.entity';

export const QUERY_STATUSES = ['open', 'replacing', 'answered'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];
export type QueryAnswer = 'replaced' | 'confirmed';

export interface QueriedView {
  view: View;
  reason: string;
  text?: string;
}

/**
 * An image query as stored. `raisedBy` and `raisedRole` are for auditors (and for sending the
 * set back where it was): no coordinator-facing view ever carries them.
 */
const QUERY = {
  id: column.text(),
  photoSetId: column.text(),
  studyId: column.text(),
  views: column.json<QueriedView[]>(),
  raisedBy: column.text(),
  raisedRole: column.text<'rater' | 'adjudicator'>(),
  raisedFrom: column.text<'reading' | 'adjudicating'>(),
  status: column.text<QueryStatus>(),
  answer: column.textOrNull<QueryAnswer>(),
  comment: column.textOrNull(),
  createdAt: column.timestamp(),
  answeredAt: column.timestampOrNull(),
};
export type QueryRow = Row<typeof QUERY>;

/** A query as a coordinator lists it, with the set's subject and visit. */
const LISTED_QUERY = {
  ...QUERY,
  subjectCode: column.text(),
  visit: column.text(),
};
export type ListedQueryRow = Row<typeof LISTED_QUERY>;

const SELECT_QUERY = `SELECT q.id, q.photo_set_id, q.study_id, q.views, q.raised_by, q.raised_role,
    q.raised_from, q.status, q.answer, q.comment, q.created_at, q.answered_at`;
const COUNTS = { open: column.count(), replacing: column.count(), answered: column.count() };
export type QueryCounts = Row<typeof COUNTS>;

/** All SQL about image queries (the image_queries table). */
@Injectable()
export class QueriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  async insert(
    tx: EntityManager,
    query: Pick<
      QueryRow,
      'photoSetId' | 'studyId' | 'views' | 'raisedBy' | 'raisedRole' | 'raisedFrom'
    >,
  ): Promise<QueryRow> {
    return oneRow(
      tx,
      QUERY,
      `INSERT INTO image_queries AS q (photo_set_id, study_id, views, raised_by, raised_role,
                                       raised_from)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6)
       RETURNING q.id, q.photo_set_id, q.study_id, q.views, q.raised_by, q.raised_role,
                 q.raised_from, q.status, q.answer, q.comment, q.created_at, q.answered_at`,
      [
        query.photoSetId,
        query.studyId,
        JSON.stringify(query.views),
        query.raisedBy,
        query.raisedRole,
        query.raisedFrom,
      ],
    );
  }

  async findById(id: string, tx?: EntityManager): Promise<ListedQueryRow | null> {
    return firstRow(
      this.db(tx),
      LISTED_QUERY,
      `${SELECT_QUERY}, s.code AS subject_code, ps.visit
         FROM image_queries q JOIN photo_sets ps ON ps.id = q.photo_set_id
         JOIN subjects s ON s.id = ps.subject_id
        WHERE q.id = $1`,
      [id],
    );
  }

  async lock(tx: EntityManager, id: string): Promise<QueryRow | null> {
    return firstRow(tx, QUERY, `${SELECT_QUERY} FROM image_queries q WHERE q.id = $1 FOR UPDATE`, [
      id,
    ]);
  }

  /** The answer is given: the query leaves 'open' (to 'replacing' or 'answered'). */
  async answer(
    tx: EntityManager,
    id: string,
    change: { status: QueryStatus; answer: QueryAnswer; comment: string | null; by: string },
  ): Promise<void> {
    await rows(
      tx,
      { id: column.text() },
      `UPDATE image_queries
          SET status = $2, answer = $3, comment = $4, answered_by = $5, answered_at = now(),
              updated_at = now()
        WHERE id = $1 RETURNING id`,
      [id, change.status, change.answer, change.comment, change.by],
    );
  }

  /** A replacement is processed: 'replacing' → 'answered', or back to 'open' when rejected. */
  async setStatus(tx: EntityManager, id: string, status: 'open' | 'answered'): Promise<void> {
    await rows(
      tx,
      { id: column.text() },
      status === 'open'
        ? `UPDATE image_queries
              SET status = 'open', answer = NULL, answered_by = NULL, answered_at = NULL,
                  updated_at = now()
            WHERE id = $1 RETURNING id`
        : `UPDATE image_queries SET status = 'answered', updated_at = now()
            WHERE id = $1 RETURNING id`,
      [id],
    );
  }

  async list(
    studyId: string,
    filter: { statuses: QueryStatus[] | null; photoSetId?: string },
  ): Promise<ListedQueryRow[]> {
    return rows(
      this.dataSource.manager,
      LISTED_QUERY,
      `${SELECT_QUERY}, s.code AS subject_code, ps.visit
         FROM image_queries q JOIN photo_sets ps ON ps.id = q.photo_set_id
         JOIN subjects s ON s.id = ps.subject_id
        WHERE q.study_id = $1 AND ($2::text[] IS NULL OR q.status = ANY($2::text[]))
          AND ($3::uuid IS NULL OR q.photo_set_id = $3)
        ORDER BY q.created_at DESC, q.id
        LIMIT 500`,
      [studyId, filter.statuses, filter.photoSetId ?? null],
    );
  }

  async counts(studyId: string): Promise<QueryCounts> {
    return oneRow(
      this.dataSource.manager,
      COUNTS,
      `SELECT count(*) FILTER (WHERE status = 'open') AS open,
              count(*) FILTER (WHERE status = 'replacing') AS replacing,
              count(*) FILTER (WHERE status = 'answered') AS answered
         FROM image_queries WHERE study_id = $1`,
      [studyId],
    );
  }

  /** Replacements uploaded but not yet processed: the reconciler's question. */
  async replacing(): Promise<{ id: string; photoSetId: string }[]> {
    return rows(
      this.dataSource.manager,
      { id: column.text(), photoSetId: column.text() },
      `SELECT id, photo_set_id FROM image_queries WHERE status = 'replacing' ORDER BY created_at`,
    );
  }
}
