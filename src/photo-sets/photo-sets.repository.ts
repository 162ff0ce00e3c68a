import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isAllowedTransition, PhotoSetStatus } from '../common/photo-set-status';
import {
  changed,
  column,
  execute,
  firstRow,
  oneRow,
  Row,
  rows,
  selectList,
} from '../database/typed-query';
import { PhotoImageStatus } from './photo-image.entity';
import { View } from './photo-set.entity';

export interface NewImage {
  view: View;
  originalKey: string;
  originalSha256: string;
  originalBytes: number;
}

/** A set's own columns, read as they are stored. */
const SET_TABLE = {
  id: column.text(),
  studyId: column.text(),
  subjectId: column.text(),
  visit: column.text(),
  status: column.text<PhotoSetStatus>(),
  importId: column.textOrNull(),
  revision: column.int(),
  stagedKeys: column.json<string[]>(),
  createdAt: column.timestamp(),
};
const SET = {
  ...SET_TABLE,
  subjectCode: column.text(),
  /** ISO date text: pg would turn a date into a local-midnight Date. */
  visitDate: column.textOrNull(),
  /** created_at to the microsecond, for keyset paging (a Date keeps only milliseconds). */
  cursorAt: column.text(),
};
const SELECT_SET = `SELECT ${selectList(SET_TABLE, 'ps')}, s.code AS subject_code,
    to_char(ps.visit_date, 'YYYY-MM-DD') AS visit_date,
    to_char(ps.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
  FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id`;
export type PhotoSetRow = Row<typeof SET>;

const IMAGE = {
  id: column.text(),
  photoSetId: column.text(),
  view: column.text<View>(),
  status: column.text<PhotoImageStatus>(),
  reason: column.textOrNull(),
  originalKey: column.text(),
  originalSha256: column.text(),
  fullKey: column.textOrNull(),
  displayKey: column.textOrNull(),
  thumbKey: column.textOrNull(),
  /** 1, or higher once an image query replaced the view's image (photo_image_versions). */
  version: column.int(),
};
export type ImageRow = Row<typeof IMAGE>;

/** A ready image's renditions (their keys are set together when the image is made ready). */
const READY_IMAGE = {
  fullKey: column.text(),
  displayKey: column.text(),
  thumbKey: column.text(),
  width: column.int(),
  height: column.int(),
  etag: column.text(),
  displayEtag: column.text(),
  thumbEtag: column.text(),
};
export type ReadyImage = Row<typeof READY_IMAGE>;

const ID = { id: column.text() };
const IMAGE_VERSION = {
  id: column.text(),
  photoSetId: column.text(),
  view: column.text<View>(),
  version: column.int(),
  status: column.text<PhotoImageStatus>(),
  originalSha256: column.text(),
  uploadedAt: column.timestamp(),
  supersededAt: column.timestamp(),
  queryId: column.textOrNull(),
};
export type ImageVersionRow = Row<typeof IMAGE_VERSION>;
const CURRENT_VERSION = {
  view: column.text<View>(),
  version: column.int(),
  status: column.text<PhotoImageStatus>(),
  originalSha256: column.text(),
  uploadedAt: column.timestamp(),
};
const SET_REVISION = { id: column.text(), revision: column.int() };
const SUBJECT_VISIT = { subjectCode: column.text(), visit: column.text() };

export interface ListFilter {
  status?: PhotoSetStatus;
  subjectCode?: string;
  after?: { createdAt: string; id: string };
  limit: number;
}

/** All SQL about subjects, photo sets and their images; the only writer of a set's status. */
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
    return (await this.transitionMany(tx, [photoSetId], from, to)).has(photoSetId);
  }

  /**
   * `transition` for many sets in one statement (assignment moves a batch of sets to reading):
   * answers the ids that moved; a set no longer in one of `from` is left as it is.
   */
  async transitionMany(
    tx: EntityManager,
    photoSetIds: readonly string[],
    from: PhotoSetStatus | readonly PhotoSetStatus[],
    to: PhotoSetStatus,
  ): Promise<Set<string>> {
    const fromStatuses: readonly PhotoSetStatus[] = typeof from === 'string' ? [from] : from;
    const refused = fromStatuses.filter((status) => !isAllowedTransition(status, to));
    if (!fromStatuses.length || refused.length) {
      throw new Error(
        `photo set ${photoSetIds.join(', ')}: no transition from ${refused.join(', ') || 'nothing'} to ${to}`,
      );
    }
    if (!photoSetIds.length) return new Set();
    const moved = await rows(
      tx,
      ID,
      `UPDATE photo_sets SET status = $3, updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[]) RETURNING id`,
      [photoSetIds, fromStatuses, to],
    );
    return new Set(moved.map((row) => row.id));
  }

  /** The subject's id, creating the subject on first sight of its code. */
  async upsertSubject(tx: EntityManager, studyId: string, code: string): Promise<string> {
    const row = await oneRow(
      tx,
      ID,
      `INSERT INTO subjects (study_id, code) VALUES ($1, $2)
       ON CONFLICT (study_id, code) DO UPDATE SET code = EXCLUDED.code
       RETURNING id`,
      [studyId, code],
    );
    return row.id;
  }

  async findSetBySubjectVisit(
    studyId: string,
    subjectCode: string,
    visit: string,
    tx?: EntityManager,
  ): Promise<PhotoSetRow | null> {
    return firstRow(
      this.db(tx),
      SET,
      `${SELECT_SET} WHERE s.study_id = $1 AND s.code = $2 AND ps.visit = $3`,
      [studyId, subjectCode, visit],
    );
  }

  /** Which of these (subject code, visit) pairs already have a set in the study. */
  async existingSubjectVisits(
    studyId: string,
    pairs: { subjectCode: string; visit: string }[],
  ): Promise<Row<typeof SUBJECT_VISIT>[]> {
    if (!pairs.length) return [];
    return rows(
      this.dataSource.manager,
      SUBJECT_VISIT,
      `SELECT s.code AS subject_code, ps.visit
         FROM photo_sets ps JOIN subjects s ON s.id = ps.subject_id
         JOIN unnest($2::text[], $3::text[]) AS wanted(code, visit)
           ON wanted.code = s.code AND wanted.visit = ps.visit
        WHERE s.study_id = $1`,
      [studyId, pairs.map((p) => p.subjectCode), pairs.map((p) => p.visit)],
    );
  }

  async findSet(id: string, tx?: EntityManager): Promise<PhotoSetRow | null> {
    return firstRow(this.db(tx), SET, `${SELECT_SET} WHERE ps.id = $1`, [id]);
  }

  /** Locks the set's row: ingest attempts and replacements of one set take turns. */
  async lockSet(tx: EntityManager, id: string): Promise<PhotoSetRow | null> {
    return firstRow(tx, SET, `${SELECT_SET} WHERE ps.id = $1 FOR UPDATE OF ps`, [id]);
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
    const row = await oneRow(
      tx,
      ID,
      `INSERT INTO photo_sets (study_id, subject_id, visit, visit_date, status, created_by, import_id)
       VALUES ($1, $2, $3, $4, 'processing', $5, $6) RETURNING id`,
      [set.studyId, set.subjectId, set.visit, set.visitDate, set.createdBy, set.importId],
    );
    return row.id;
  }

  async insertImages(tx: EntityManager, photoSetId: string, images: NewImage[]): Promise<void> {
    await execute(
      tx,
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
    const table = await oneRow(
      tx,
      { exists: column.bool() },
      `SELECT to_regclass('read_tasks') IS NOT NULL AS exists`,
    );
    if (!table.exists) return false;
    const task = await firstRow(
      tx,
      ID,
      'SELECT id FROM read_tasks WHERE photo_set_id = $1 LIMIT 1',
      [photoSetId],
    );
    return task !== null;
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
    const removedImages = await rows(
      tx,
      IMAGE,
      `DELETE FROM photo_images i WHERE i.photo_set_id = $1 RETURNING ${selectList(IMAGE, 'i')}`,
      [set.id],
    );
    const { revision } = await oneRow(
      tx,
      SET_REVISION,
      `UPDATE photo_sets SET visit_date = $2, revision = revision + 1
        WHERE id = $1 RETURNING id, revision`,
      [set.id, visitDate],
    );
    return { removedImages, revision };
  }

  async images(photoSetIds: string[], tx?: EntityManager): Promise<ImageRow[]> {
    if (!photoSetIds.length) return [];
    return rows(
      this.db(tx),
      IMAGE,
      `SELECT ${selectList(IMAGE, 'i')} FROM photo_images i
        WHERE i.photo_set_id = ANY($1::uuid[])
        ORDER BY i.photo_set_id, array_position(ARRAY['top','back','left','right'], i.view)`,
      [photoSetIds],
    );
  }

  async readyImage(
    photoSetId: string,
    view: View,
  ): Promise<(ReadyImage & { setStatus: PhotoSetStatus }) | null> {
    return firstRow(
      this.dataSource.manager,
      { ...READY_IMAGE, setStatus: column.text<PhotoSetStatus>() },
      `SELECT ${selectList(READY_IMAGE, 'i')}, ps.status AS set_status
         FROM photo_images i JOIN photo_sets ps ON ps.id = i.photo_set_id
        WHERE i.photo_set_id = $1 AND i.view = $2 AND i.status = 'ready'
          AND i.full_key IS NOT NULL`,
      [photoSetId, view],
    );
  }

  /** Replaces the set's staged keys, returning the ones a previous attempt left behind. */
  async swapStagedKeys(tx: EntityManager, photoSetId: string, keys: string[]): Promise<string[]> {
    const row = await firstRow(
      tx,
      { previous: column.json<string[]>() },
      `UPDATE photo_sets ps SET staged_keys = $2
         FROM (SELECT staged_keys FROM photo_sets WHERE id = $1) old
        WHERE ps.id = $1 RETURNING old.staged_keys AS previous`,
      [photoSetId, keys],
    );
    return row?.previous ?? [];
  }

  async removeStagedKeys(tx: EntityManager, photoSetId: string, keys: string[]): Promise<void> {
    await execute(
      tx,
      `UPDATE photo_sets SET staged_keys = ARRAY(
         SELECT k FROM unnest(staged_keys) k WHERE NOT (k = ANY($2::text[])))
        WHERE id = $1`,
      [photoSetId, keys],
    );
  }

  /** Makes one image live: only a pending row of this set may change (else false). */
  async markImageReady(tx: EntityManager, imageId: string, image: ReadyImage): Promise<boolean> {
    return changed(
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
  }

  async markImageRejected(tx: EntityManager, imageId: string, reason: string): Promise<boolean> {
    return changed(
      tx,
      `UPDATE photo_images SET status = 'rejected', reason = $2
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [imageId, reason],
    );
  }

  /** The conditional transition that makes ingest idempotent: only a processing set finishes. */
  async finishProcessing(
    tx: EntityManager,
    photoSetId: string,
    status: 'ready' | 'rejected',
  ): Promise<boolean> {
    if (!(await this.transition(tx, photoSetId, 'processing', status))) return false;
    await execute(tx, `UPDATE photo_sets SET staged_keys = '{}' WHERE id = $1`, [photoSetId]);
    return true;
  }

  async processingSets(): Promise<Row<typeof SET_REVISION>[]> {
    return rows(
      this.dataSource.manager,
      SET_REVISION,
      `SELECT id, revision FROM photo_sets WHERE status = 'processing' ORDER BY created_at`,
    );
  }

  async processingSetsOfImport(importId: string): Promise<Row<typeof SET_REVISION>[]> {
    return rows(
      this.dataSource.manager,
      SET_REVISION,
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
    return rows(
      this.dataSource.manager,
      SET,
      `${SELECT_SET} WHERE ${where.join(' AND ')}
        ORDER BY ps.created_at DESC, ps.id DESC
        LIMIT $${params.length}`,
      params,
    );
  }

  // ---- image versions (image queries) --------------------------------------------------------

  /**
   * Replaces one view's image of a locked set: the current row is copied, as it is, into
   * photo_image_versions (kept, restricted: no route serves it) and the row starts over as the
   * next version, pending, with the new original. Returns the image id and both versions.
   */
  async archiveAndReplaceImage(
    tx: EntityManager,
    photoSetId: string,
    image: NewImage,
    queryId: string,
  ): Promise<{ id: string; version: number; earlier: ImageVersionRow }> {
    const earlier = await oneRow(
      tx,
      IMAGE_VERSION,
      `INSERT INTO photo_image_versions AS v (photo_set_id, view, version, status, original_key,
              original_sha256, original_bytes, full_key, display_key, thumb_key, width, height,
              etag, display_etag, thumb_etag, uploaded_at, query_id)
       SELECT photo_set_id, view, version, status, original_key, original_sha256, original_bytes,
              full_key, display_key, thumb_key, width, height, etag, display_etag, thumb_etag,
              created_at, $3
         FROM photo_images WHERE photo_set_id = $1 AND view = $2
       RETURNING ${selectList(IMAGE_VERSION, 'v')}`,
      [photoSetId, image.view, queryId],
    );
    const current = await oneRow(
      tx,
      { id: column.text(), version: column.int() },
      `UPDATE photo_images
          SET version = version + 1, status = 'pending', reason = NULL, original_key = $3,
              original_sha256 = $4, original_bytes = $5, full_key = NULL, display_key = NULL,
              thumb_key = NULL, width = NULL, height = NULL, etag = NULL, display_etag = NULL,
              thumb_etag = NULL, created_at = now()
        WHERE photo_set_id = $1 AND view = $2 RETURNING id, version`,
      [photoSetId, image.view, image.originalKey, image.originalSha256, image.originalBytes],
    );
    return { ...current, earlier };
  }

  /** Every earlier version of the set's images, oldest first (staff only; never served). */
  async imageVersions(photoSetId: string): Promise<ImageVersionRow[]> {
    return rows(
      this.dataSource.manager,
      IMAGE_VERSION,
      `SELECT ${selectList(IMAGE_VERSION, 'v')} FROM photo_image_versions v
        WHERE v.photo_set_id = $1
        ORDER BY array_position(ARRAY['top','back','left','right'], v.view), v.version`,
      [photoSetId],
    );
  }

  /** The version and upload time of each current image of the set. */
  async currentVersions(photoSetId: string): Promise<Row<typeof CURRENT_VERSION>[]> {
    return rows(
      this.dataSource.manager,
      CURRENT_VERSION,
      `SELECT view, version, status, original_sha256, created_at AS uploaded_at
         FROM photo_images WHERE photo_set_id = $1
        ORDER BY array_position(ARRAY['top','back','left','right'], view)`,
      [photoSetId],
    );
  }
}
