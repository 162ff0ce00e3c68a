import { MigrationInterface, QueryRunner } from 'typeorm';

export class StudiesAndPhotoSets1764150100000 implements MigrationInterface {
  name = 'StudiesAndPhotoSets1764150100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE studies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        title text NOT NULL,
        settings jsonb NOT NULL DEFAULT
          '{"maxDifference":10,"thresholds":[20],"pairing":"per-subject","adjudication":"select-or-own"}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE study_members (
        study_id uuid NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        roles text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (study_id, user_id),
        CONSTRAINT study_members_roles_known CHECK (
          roles <@ ARRAY['rater','adjudicator','coordinator','auditor']::text[]
        )
      )`);
    await db.query(`CREATE INDEX study_members_user_idx ON study_members (user_id)`);

    await db.query(`
      CREATE TABLE subjects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        study_id uuid NOT NULL REFERENCES studies(id),
        code text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (study_id, code)
      )`);

    // Bulk imports: the whole archive is validated before any photo set exists.
    await db.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        study_id uuid NOT NULL REFERENCES studies(id),
        status text NOT NULL DEFAULT 'validating',
        total int NOT NULL DEFAULT 0,
        processed int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        archive_key text,
        staged_keys text[] NOT NULL DEFAULT '{}',
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT imports_status_known CHECK (
          status IN ('validating','importing','completed','rejected','failed')
        )
      )`);
    await db.query(`CREATE INDEX imports_status_idx ON imports (status)`);

    // revision counts replacements of the originals (it versions the ingest job id).
    // staged_keys lists rendition files an ingest attempt wrote but has not committed yet: a
    // crashed attempt's files are found there and removed, never served.
    await db.query(`
      CREATE TABLE photo_sets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        study_id uuid NOT NULL REFERENCES studies(id),
        subject_id uuid NOT NULL REFERENCES subjects(id),
        visit text NOT NULL,
        visit_date date,
        status text NOT NULL DEFAULT 'processing',
        import_id uuid REFERENCES imports(id),
        revision int NOT NULL DEFAULT 1,
        staged_keys text[] NOT NULL DEFAULT '{}',
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subject_id, visit),
        CONSTRAINT photo_sets_status_known CHECK (
          status IN ('processing','rejected','ready','awaiting-raters','reading','adjudicating','final')
        )
      )`);
    await db.query(`CREATE INDEX photo_sets_study_status_idx ON photo_sets (study_id, status)`);
    await db.query(
      `CREATE INDEX photo_sets_study_created_idx ON photo_sets (study_id, created_at, id)`,
    );
    await db.query(
      `CREATE INDEX photo_sets_import_idx ON photo_sets (import_id) WHERE import_id IS NOT NULL`,
    );

    await db.query(`
      CREATE TABLE photo_images (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id) ON DELETE CASCADE,
        view text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        reason text,
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
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (photo_set_id, view),
        CONSTRAINT photo_images_view_known CHECK (view IN ('top','back','left','right')),
        CONSTRAINT photo_images_status_known CHECK (status IN ('pending','ready','rejected'))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE photo_images`);
    await db.query(`DROP TABLE photo_sets`);
    await db.query(`DROP TABLE imports`);
    await db.query(`DROP TABLE subjects`);
    await db.query(`DROP TABLE study_members`);
    await db.query(`DROP TABLE studies`);
  }
}
