import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reader quality (issue 12): calibration sets with reference reads, qualification rounds,
 * blinded re-reads, drift alerts and suspensions. Calibration and re-read tasks are ordinary
 * read_tasks rows (so a rater receives them exactly as a first read) told apart by `kind`; the
 * pair uniqueness that makes a double assignment impossible now holds among live tasks only.
 */
export class ReaderQuality1764153000000 implements MigrationInterface {
  name = 'ReaderQuality1764153000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE read_tasks ADD COLUMN kind text NOT NULL DEFAULT 'live'
        CONSTRAINT read_tasks_kind_known CHECK (kind IN ('live', 'calibration', 'reread'))`);
    await db.query(`DROP INDEX read_tasks_set_slot_key`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_slot_key ON read_tasks (photo_set_id, slot)
        WHERE status NOT IN ('reassigned', 'voided') AND kind = 'live'`);
    await db.query(`DROP INDEX read_tasks_set_rater_key`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_rater_key ON read_tasks (photo_set_id, rater_id)
        WHERE status NOT IN ('reassigned', 'voided') AND kind = 'live'`);
    // A rater holds at most one current calibration task per set and a set one current re-read.
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_quality_set_rater_key ON read_tasks (photo_set_id, rater_id)
        WHERE status NOT IN ('reassigned', 'voided') AND kind = 'calibration'`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_reread_set_key ON read_tasks (photo_set_id)
        WHERE status NOT IN ('reassigned', 'voided') AND kind = 'reread'`);

    await db.query(`
      CREATE TABLE calibration_sets (
        photo_set_id uuid PRIMARY KEY REFERENCES photo_sets(id),
        study_id uuid NOT NULL REFERENCES studies(id),
        ref_top numeric(4,1) NOT NULL,
        ref_back numeric(4,1) NOT NULL,
        ref_left numeric(4,1) NOT NULL,
        ref_right numeric(4,1) NOT NULL,
        ref_salt numeric(4,1) NOT NULL,
        marked_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT calibration_sets_reference_in_range CHECK (
          ref_top BETWEEN 0 AND 100 AND ref_back BETWEEN 0 AND 100 AND
          ref_left BETWEEN 0 AND 100 AND ref_right BETWEEN 0 AND 100 AND
          ref_salt BETWEEN 0 AND 100)
      )`);
    await db.query(`CREATE INDEX calibration_sets_study_idx ON calibration_sets (study_id)`);

    await db.query(`
      CREATE TABLE rater_qualifications (
        study_id uuid NOT NULL REFERENCES studies(id),
        rater_id uuid NOT NULL REFERENCES users(id),
        status text NOT NULL,
        suspended_at timestamptz,
        suspension_reason text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (study_id, rater_id),
        CONSTRAINT rater_qualifications_status_known
          CHECK (status IN ('in-training', 'qualified', 'failed'))
      )`);

    await db.query(`
      CREATE TABLE qualification_rounds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        study_id uuid NOT NULL REFERENCES studies(id),
        rater_id uuid NOT NULL REFERENCES users(id),
        round_no int NOT NULL,
        status text NOT NULL DEFAULT 'open',
        mean_abs_error numeric(6,2),
        within_percent numeric(6,2),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT qualification_rounds_no_key UNIQUE (study_id, rater_id, round_no),
        CONSTRAINT qualification_rounds_status_known
          CHECK (status IN ('open', 'passed', 'failed', 'cancelled'))
      )`);
    await db.query(`
      CREATE UNIQUE INDEX qualification_rounds_one_open_key
        ON qualification_rounds (study_id, rater_id) WHERE status = 'open'`);
    await db.query(`
      CREATE TABLE qualification_round_tasks (
        read_task_id uuid PRIMARY KEY REFERENCES read_tasks(id),
        round_id uuid NOT NULL REFERENCES qualification_rounds(id),
        photo_set_id uuid NOT NULL REFERENCES calibration_sets(photo_set_id),
        CONSTRAINT qualification_round_tasks_set_key UNIQUE (round_id, photo_set_id)
      )`);

    // One blinded re-read per set at most; the original read is what it is compared with.
    await db.query(`
      CREATE TABLE rereads (
        photo_set_id uuid PRIMARY KEY REFERENCES photo_sets(id),
        study_id uuid NOT NULL REFERENCES studies(id),
        rater_id uuid NOT NULL REFERENCES users(id),
        original_read_id uuid NOT NULL REFERENCES reads(id),
        read_task_id uuid NOT NULL UNIQUE REFERENCES read_tasks(id),
        scheduled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX rereads_study_rater_idx ON rereads (study_id, rater_id)`);

    await db.query(`
      CREATE TABLE reader_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        study_id uuid NOT NULL REFERENCES studies(id),
        rater_id uuid NOT NULL REFERENCES users(id),
        chart text NOT NULL,
        point_index int NOT NULL,
        value numeric(8,4) NOT NULL,
        lower_limit numeric(8,4) NOT NULL,
        upper_limit numeric(8,4) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reader_alerts_point_key UNIQUE (study_id, rater_id, chart, point_index),
        CONSTRAINT reader_alerts_chart_known CHECK (chart IN ('discordance'))
      )`);
  }

  /** Down only while no calibration or re-read task exists (reads are immutable). */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE reader_alerts`);
    await db.query(`DROP TABLE rereads`);
    await db.query(`DROP TABLE qualification_round_tasks`);
    await db.query(`DROP TABLE qualification_rounds`);
    await db.query(`DROP TABLE rater_qualifications`);
    await db.query(`DROP TABLE calibration_sets`);
    await db.query(`DROP INDEX read_tasks_reread_set_key`);
    await db.query(`DROP INDEX read_tasks_quality_set_rater_key`);
    await db.query(`DROP INDEX read_tasks_set_rater_key`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_rater_key ON read_tasks (photo_set_id, rater_id)
        WHERE status NOT IN ('reassigned', 'voided')`);
    await db.query(`DROP INDEX read_tasks_set_slot_key`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_slot_key ON read_tasks (photo_set_id, slot)
        WHERE status NOT IN ('reassigned', 'voided')`);
    await db.query(`ALTER TABLE read_tasks DROP COLUMN kind`);
  }
}
