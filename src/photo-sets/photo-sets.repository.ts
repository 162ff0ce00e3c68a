import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { isAllowedTransition, PhotoSetStatus, View } from './photo-set.entity';

export interface NewImage {
  view: View;
  originalKey: string;
  originalSha256: string;
  originalBytes: number;
}

export interface PhotoSetRow {
  id: string;
  studyId: string;
  subjectId: string;
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  status: PhotoSetStatus;
  importId: string | null;
  revision: number;
  stagedKeys: string[];
  createdAt: Date;
  /** created_at to the microsecond, for keyset paging (a Date keeps only milliseconds). */
  cursorAt: string;
}

export interface ImageRow {
  id: string;
  photoSetId: string;
  view: View;
  status: 'pending' | 'ready' | 'rejected';
  reason: string | null;
  originalKey: string;
  originalSha256: string;
  fullKey: string | null;
  displayKey: string | null;
  thumbKey: string | null;
}

export interface ReadyImage {
  fullKey: string;
  displayKey: string;
  thumbKey: string;
  width: number;
  height: number;
  etag: string;
  displayEtag: string;
  thumbEtag: string;
}

export interface ListFilter {
  status?: PhotoSetStatus;
  subjectCode?: string;
  after?: { createdAt: string; id: string };
  limit: number;
}

const SET_COLUMNS = `
  ps.id, ps.study_id AS "studyId", ps.subject_id AS "subjectId", s.code AS "subjectCode",
  ps.visit, to_char(ps.visit_date, 'YYYY-MM-DD') AS "visitDate", ps.status,
  ps.import_id AS "importId", ps.revision, ps.staged_keys AS "stagedKeys",
  ps.created_at AS "createdAt",
  to_char(ps.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`;

const IMAGE_COLUMNS = `
  id, photo_set_id AS "photoSetId", view, status, reason, original_key AS "originalKey",
  original_sha256 AS "originalSha256", full_key AS "fullKey", display_key AS "displayKey",
  thumb_key AS "thumbKey"`;

/** All SQL about subjects, photo sets and their images. */
@Injectable()
export class PhotoSetsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private db(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  /**
   * The one place a photo set's status changes. Conditional, so jobs stay idempotent: false when
   * the set is no longer in one of `from` (another transaction moved it first). A move missing
   * from PHOTO_SET_TRANSITIONS is a bug in the caller, not a race, so it throws before any SQL.
   */
  async transition(
    tx: EntityManager,
    photoSetId: string,
    from: PhotoSetStatus | readonly PhotoSetStatus[],
    to: PhotoSetStatus,
  ): Promise<boolean> {
    const fromStatuses: readonly PhotoSetStatus[] = typeof from === 'string' ? [from] : from;
    const refused = fromStatuses.filter((status) => !isAllowedTransition(status, to));
    if (!fromStatuses.length || refused.length) {
      throw new Error(
        `photo set ${photoSetId}: no transition from ${refused.join(', ') || 'nothing'} to ${to}`,
      );
    }
    const rows = await queryRows(
      tx,
      `UPDATE photo_sets SET status = $3, updated_at = now()
        WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [photoSetId, fromStatuses, to],
    );
    return rows.length === 1;
  }

  /** The subject's id, creating the subject on first sight of its code. */
  async upsertSubject(tx: EntityManager, studyId: string, code: string): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO subjects (study_id, code) VALUES ($1, $2)
       ON CONFLICT (study_id, code) DO UPDATE SET code = EXCLUDED.code
       RETURNING id`,
      [studyId, code],
    );
    return rows[0].id;
  }

  async findSetBySubjectVisit(
    studyId: string,
    subjectCode: string,
    visit: string,
    tx?: EntityManager,
  ): Promise<PhotoSetRow | null> {
    const rows = await queryRows<PhotoSetRow>(
      this.db(tx),
      `SELECT ${SET_COLUMNS} FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id
        WHERE s.study_id = $1 AND s.code = $2 AND ps.visit = $3`,
      [studyId, subjectCode, visit],
    );
    return rows[0] ?? null;
  }

  /** Which of these (subject code, visit) pairs already have a set in the study. */
  async existingSubjectVisits(
    studyId: string,
    pairs: { subjectCode: string; visit: string }[],
  ): Promise<{ subjectCode: string; visit: string }[]> {
    if (!pairs.length) return [];
    return queryRows(
      this.dataSource.manager,
      `SELECT s.code AS "subjectCode", ps.visit
         FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id
         JOIN unnest($2::text[], $3::text[]) AS wanted(code, visit)
           ON wanted.code = s.code AND wanted.visit = ps.visit
        WHERE s.study_id = $1`,
      [studyId, pairs.map((p) => p.subjectCode), pairs.map((p) => p.visit)],
    );
  }

  async findSet(id: string, tx?: EntityManager): Promise<PhotoSetRow | null> {
    const rows = await queryRows<PhotoSetRow>(
      this.db(tx),
      `SELECT ${SET_COLUMNS} FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id
        WHERE ps.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Locks the set's row: ingest attempts and replacements of one set take turns. */
  async lockSet(tx: EntityManager, id: string): Promise<PhotoSetRow | null> {
    const rows = await queryRows<PhotoSetRow>(
      tx,
      `SELECT ${SET_COLUMNS} FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id
        WHERE ps.id = $1 FOR UPDATE OF ps`,
      [id],
    );
    return rows[0] ?? null;
  }

  async insertSet(
    tx: EntityManager,
    set: {
      studyId: string;
      subjectId: string;
      visit: string;
      visitDate: string | null;
      createdBy: string | null;
      importId: string | null;
    },
  ): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO photo_sets (study_id, subject_id, visit, visit_date, status, created_by, import_id)
       VALUES ($1, $2, $3, $4, 'processing', $5, $6) RETURNING id`,
      [set.studyId, set.subjectId, set.visit, set.visitDate, set.createdBy, set.importId],
    );
    return rows[0].id;
  }

  async insertImages(tx: EntityManager, photoSetId: string, images: NewImage[]): Promise<void> {
    await tx.query(
      `INSERT INTO photo_images (photo_set_id, view, status, original_key, original_sha256, original_bytes)
       SELECT $1, view, 'pending', original_key, original_sha256, original_bytes
         FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
              AS i(view, original_key, original_sha256, original_bytes)`,
      [
        photoSetId,
        images.map((i) => i.view),
        images.map((i) => i.originalKey),
        images.map((i) => i.originalSha256),
        images.map((i) => i.originalBytes),
      ],
    );
  }

  /** Whether reading has begun on the set (the reads module's table, once it exists). */
  async readsStarted(tx: EntityManager, photoSetId: string): Promise<boolean> {
    const [{ exists }] = await queryRows<{ exists: boolean }>(
      tx,
      `SELECT to_regclass('read_tasks') IS NOT NULL AS exists`,
    );
    if (!exists) return false;
    const rows = await queryRows(tx, 'SELECT 1 FROM read_tasks WHERE photo_set_id = $1 LIMIT 1', [
      photoSetId,
    ]);
    return rows.length > 0;
  }

  /**
   * Starts a locked set over with new originals: it returns to processing, old image rows go,
   * and the next revision begins (so its ingest job id is new too).
   */
  async resetForReplacement(
    tx: EntityManager,
    set: { id: string; status: PhotoSetStatus },
    visitDate: string | null,
  ): Promise<{ removedImages: ImageRow[]; revision: number }> {
    if (!(await this.transition(tx, set.id, set.status, 'processing'))) {
      throw new Error(`photo set ${set.id} changed status although it was locked`);
    }
    const removedImages = await queryRows<ImageRow>(
      tx,
      `DELETE FROM photo_images WHERE photo_set_id = $1 RETURNING ${IMAGE_COLUMNS}`,
      [set.id],
    );
    const [row] = await queryRows<{ revision: number }>(
      tx,
      `UPDATE photo_sets SET visit_date = $2, revision = revision + 1
        WHERE id = $1 RETURNING revision`,
      [set.id, visitDate],
    );
    return { removedImages, revision: row.revision };
  }

  async images(photoSetIds: string[], tx?: EntityManager): Promise<ImageRow[]> {
    if (!photoSetIds.length) return [];
    return queryRows<ImageRow>(
      this.db(tx),
      `SELECT ${IMAGE_COLUMNS} FROM photo_images WHERE photo_set_id = ANY($1::uuid[])
        ORDER BY photo_set_id, array_position(ARRAY['top','back','left','right'], view)`,
      [photoSetIds],
    );
  }

  async readyImage(
    photoSetId: string,
    view: View,
  ): Promise<(ReadyImage & { setStatus: PhotoSetStatus }) | null> {
    const rows = await queryRows<ReadyImage & { setStatus: PhotoSetStatus }>(
      this.dataSource.manager,
      `SELECT i.full_key AS "fullKey", i.display_key AS "displayKey", i.thumb_key AS "thumbKey",
              i.width, i.height, i.etag, i.display_etag AS "displayEtag",
              i.thumb_etag AS "thumbEtag", ps.status AS "setStatus"
         FROM photo_images i JOIN photo_sets ps ON ps.id = i.photo_set_id
        WHERE i.photo_set_id = $1 AND i.view = $2 AND i.status = 'ready'
          AND i.full_key IS NOT NULL`,
      [photoSetId, view],
    );
    return rows[0] ?? null;
  }

  /** Replaces the set's staged keys, returning the ones a previous attempt left behind. */
  async swapStagedKeys(tx: EntityManager, photoSetId: string, keys: string[]): Promise<string[]> {
    const [row] = await queryRows<{ previous: string[] }>(
      tx,
      `UPDATE photo_sets ps SET staged_keys = $2
         FROM (SELECT staged_keys FROM photo_sets WHERE id = $1) old
        WHERE ps.id = $1 RETURNING old.staged_keys AS previous`,
      [photoSetId, keys],
    );
    return row?.previous ?? [];
  }

  async removeStagedKeys(tx: EntityManager, photoSetId: string, keys: string[]): Promise<void> {
    await tx.query(
      `UPDATE photo_sets SET staged_keys = ARRAY(
         SELECT k FROM unnest(staged_keys) k WHERE NOT (k = ANY($2::text[])))
        WHERE id = $1`,
      [photoSetId, keys],
    );
  }

  /** Makes one image live: only a pending row of this set may change (else false). */
  async markImageReady(tx: EntityManager, imageId: string, image: ReadyImage): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE photo_images SET status = 'ready', reason = NULL, full_key = $2, display_key = $3,
              thumb_key = $4, width = $5, height = $6, etag = $7, display_etag = $8, thumb_etag = $9
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [
        imageId,
        image.fullKey,
        image.displayKey,
        image.thumbKey,
        image.width,
        image.height,
        image.etag,
        image.displayEtag,
        image.thumbEtag,
      ],
    );
    return rows.length === 1;
  }

  async markImageRejected(tx: EntityManager, imageId: string, reason: string): Promise<boolean> {
    const rows = await queryRows(
      tx,
      `UPDATE photo_images SET status = 'rejected', reason = $2
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [imageId, reason],
    );
    return rows.length === 1;
  }

  /** The conditional transition that makes ingest idempotent: only a processing set finishes. */
  async finishProcessing(
    tx: EntityManager,
    photoSetId: string,
    status: 'ready' | 'rejected',
  ): Promise<boolean> {
    if (!(await this.transition(tx, photoSetId, 'processing', status))) return false;
    await tx.query(`UPDATE photo_sets SET staged_keys = '{}' WHERE id = $1`, [photoSetId]);
    return true;
  }

  async processingSets(): Promise<{ id: string; revision: number }[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT id, revision FROM photo_sets WHERE status = 'processing' ORDER BY created_at`,
    );
  }

  async processingSetsOfImport(importId: string): Promise<{ id: string; revision: number }[]> {
    return queryRows(
      this.dataSource.manager,
      `SELECT id, revision FROM photo_sets WHERE import_id = $1 AND status = 'processing'`,
      [importId],
    );
  }

  async list(studyId: string, filter: ListFilter): Promise<PhotoSetRow[]> {
    const params: unknown[] = [studyId];
    const where = ['ps.study_id = $1'];
    if (filter.status) {
      params.push(filter.status);
      where.push(`ps.status = $${params.length}`);
    }
    if (filter.subjectCode) {
      params.push(filter.subjectCode);
      where.push(`s.code = $${params.length}`);
    }
    if (filter.after) {
      params.push(filter.after.createdAt, filter.after.id);
      where.push(
        `(ps.created_at, ps.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(filter.limit);
    return queryRows<PhotoSetRow>(
      this.dataSource.manager,
      `SELECT ${SET_COLUMNS} FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id
        WHERE ${where.join(' AND ')}
        ORDER BY ps.created_at DESC, ps.id DESC
        LIMIT $${params.length}`,
      params,
    );
  }
}
