import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Electronic signatures and the study lock (issue 13).
 * - `signing_credentials`: per session (or API token), whether its first signing has been made
 *   with the password, and its wrong passwords; locked after repeated failures.
 * - `signatures`: the manifestation of each signature (printed name, UTC time, meaning) on the
 *   record it signs (a read or an adjudication decision); a corrected read is a new read row.
 * - `study_locks`: data freezes, with the audit log's head at locking; at most one open per study.
 */
export class SignaturesAndStudyLock1764154500000 implements MigrationInterface {
  name = 'SignaturesAndStudyLock1764154500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE signing_credentials (
        credential_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id),
        verified_at timestamptz,
        failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
        locked_at timestamptz
      )`);
    await db.query(`
      CREATE TABLE signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        signer_id uuid NOT NULL REFERENCES users(id),
        printed_name text NOT NULL,
        meaning text NOT NULL,
        signed_at timestamptz NOT NULL,
        method text NOT NULL CHECK (method IN ('password', 'session')),
        record_type text NOT NULL CHECK (record_type IN ('read', 'adjudication-decision')),
        record_id uuid NOT NULL,
        study_id uuid NOT NULL REFERENCES studies(id),
        credential_id uuid NOT NULL,
        UNIQUE (record_type, record_id)
      )`);
    await db.query(`
      CREATE TABLE study_locks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        study_id uuid NOT NULL REFERENCES studies(id),
        locked_at timestamptz NOT NULL DEFAULT now(),
        locked_by uuid NOT NULL REFERENCES users(id),
        reason text NOT NULL,
        audit_head jsonb NOT NULL,
        unlocked_at timestamptz,
        unlocked_by uuid REFERENCES users(id),
        unlock_reason text
      )`);
    await db.query(
      `CREATE UNIQUE INDEX study_locks_one_open ON study_locks (study_id) WHERE unlocked_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE study_locks`);
    await db.query(`DROP TABLE signatures`);
    await db.query(`DROP TABLE signing_credentials`);
  }
}
