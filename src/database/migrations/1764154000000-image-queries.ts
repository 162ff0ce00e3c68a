import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Not-evaluable views and image queries (issue 13). A query withdraws the set's open tasks while
 * the coordinator answers it; a replacement image keeps the one it replaces as an earlier version
 * and voids the reads made on it, which stay for auditors but no longer count anywhere.
 */
export class ImageQueries1764154000000 implements MigrationInterface {
  name = 'ImageQueries1764154000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE photo_sets
        DROP CONSTRAINT photo_sets_status_known,
        ADD CONSTRAINT photo_sets_status_known CHECK (
          status IN ('processing','rejected','ready','awaiting-raters','reading','adjudicating',
                     'final','query'))`);
    await db.query(`
      CREATE TABLE image_queries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        study_id uuid NOT NULL REFERENCES studies(id),
        views jsonb NOT NULL,
        raised_by uuid NOT NULL REFERENCES users(id),
        raised_role text NOT NULL,
        raised_from text NOT NULL,
        status text NOT NULL DEFAULT 'open',
        answer text,
        comment text,
        answered_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        answered_at timestamptz,
        CONSTRAINT image_queries_raised_role_known CHECK (raised_role IN ('rater','adjudicator')),
        CONSTRAINT image_queries_raised_from_known CHECK (raised_from IN ('reading','adjudicating')),
        CONSTRAINT image_queries_status_known CHECK (status IN ('open','replacing','answered')),
        CONSTRAINT image_queries_answer_known CHECK (
          answer IS NULL OR answer IN ('replaced','confirmed')),
        CONSTRAINT image_queries_answered CHECK ((status = 'open') = (answer IS NULL))
      )`);
    // One unanswered query per set: the set is in 'query' until it is answered.
    await db.query(`
      CREATE UNIQUE INDEX image_queries_one_open_key ON image_queries (photo_set_id)
        WHERE status <> 'answered'`);
    await db.query(
      `CREATE INDEX image_queries_study_idx ON image_queries (study_id, status, created_at)`,
    );

    // The image a view shows now carries its version; the ones it replaced move here, kept.
    await db.query(`ALTER TABLE photo_images ADD COLUMN version int NOT NULL DEFAULT 1`);
    await db.query(`
      CREATE TABLE photo_image_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id) ON DELETE CASCADE,
        view text NOT NULL,
        version int NOT NULL,
        status text NOT NULL,
        original_key text NOT NULL,
        original_sha256 text NOT NULL,
        original_bytes bigint,
        full_key text,
        display_key text,
        thumb_key text,
        width int,
        height int,
        etag text,
        display_etag text,
        thumb_etag text,
        uploaded_at timestamptz NOT NULL,
        superseded_at timestamptz NOT NULL DEFAULT now(),
        query_id uuid REFERENCES image_queries(id),
        CONSTRAINT photo_image_versions_key UNIQUE (photo_set_id, view, version)
      )`);

    // Read tasks: 'withdrawn' while a query is open, 'voided' when a replacement undoes them.
    await db.query(`
      ALTER TABLE read_tasks
        ADD COLUMN query_comment text,
        ADD COLUMN void_reason text,
        ADD COLUMN voided_at timestamptz,
        DROP CONSTRAINT read_tasks_status_known,
        ADD CONSTRAINT read_tasks_status_known
          CHECK (status IN ('assigned','submitted','reassigned','withdrawn','voided'))`);
    // A voided task is history: the same pair reads the set again under new tasks. The pair
    // uniqueness holds among live tasks only: calibration and re-read tasks (read_tasks.kind,
    // added by 1764153000000-reader-quality, which runs first) are extra reads of a set.
    await db.query(`DROP INDEX read_tasks_set_slot_key`);
    await db.query(`DROP INDEX read_tasks_set_rater_key`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_slot_key ON read_tasks (photo_set_id, slot)
        WHERE status NOT IN ('reassigned','voided') AND kind = 'live'`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_rater_key ON read_tasks (photo_set_id, rater_id)
        WHERE status NOT IN ('reassigned','voided') AND kind = 'live'`);

    await db.query(`
      ALTER TABLE adjudication_tasks
        ADD COLUMN query_comment text,
        ADD COLUMN void_reason text,
        ADD COLUMN voided_at timestamptz,
        DROP CONSTRAINT adjudication_tasks_status_known,
        ADD CONSTRAINT adjudication_tasks_status_known
          CHECK (status IN ('open','decided','withdrawn','voided'))`);
    // At most one adjudication of a set not yet decided or voided (open or withdrawn).
    await db.query(`
      CREATE UNIQUE INDEX adjudication_tasks_one_withdrawn_key ON adjudication_tasks (photo_set_id)
        WHERE status = 'withdrawn'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX adjudication_tasks_one_withdrawn_key`);
    await db.query(`
      ALTER TABLE adjudication_tasks
        DROP CONSTRAINT adjudication_tasks_status_known,
        ADD CONSTRAINT adjudication_tasks_status_known CHECK (status IN ('open','decided')),
        DROP COLUMN query_comment, DROP COLUMN void_reason, DROP COLUMN voided_at`);
    await db.query(`DROP INDEX read_tasks_set_slot_key`);
    await db.query(`DROP INDEX read_tasks_set_rater_key`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_slot_key ON read_tasks (photo_set_id, slot)
        WHERE status <> 'reassigned'`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_rater_key ON read_tasks (photo_set_id, rater_id)
        WHERE status <> 'reassigned'`);
    await db.query(`
      ALTER TABLE read_tasks
        DROP CONSTRAINT read_tasks_status_known,
        ADD CONSTRAINT read_tasks_status_known CHECK (status IN ('assigned','submitted','reassigned')),
        DROP COLUMN query_comment, DROP COLUMN void_reason, DROP COLUMN voided_at`);
    await db.query(`DROP TABLE photo_image_versions`);
    await db.query(`ALTER TABLE photo_images DROP COLUMN version`);
    await db.query(`DROP TABLE image_queries`);
    await db.query(`
      ALTER TABLE photo_sets
        DROP CONSTRAINT photo_sets_status_known,
        ADD CONSTRAINT photo_sets_status_known CHECK (
          status IN ('processing','rejected','ready','awaiting-raters','reading','adjudicating',
                     'final'))`);
  }
}
