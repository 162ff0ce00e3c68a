import { MigrationInterface, QueryRunner } from 'typeorm';

/** Read tasks, reads, pair evaluations, adjudication and final scores (issue 4). */
export class ReadsAndAdjudication1764150600000 implements MigrationInterface {
  name = 'ReadsAndAdjudication1764150600000';

  async up(db: QueryRunner): Promise<void> {
    // A task moved to another rater keeps its row as 'reassigned' (history), so the uniqueness
    // that makes a double assignment impossible holds among the tasks that are not reassigned.
    await db.query(`
      CREATE TABLE read_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        study_id uuid NOT NULL REFERENCES studies(id),
        slot smallint NOT NULL CONSTRAINT read_tasks_slot_known CHECK (slot IN (1, 2)),
        rater_id uuid NOT NULL REFERENCES users(id),
        read_code text NOT NULL,
        queue_key double precision NOT NULL,
        status text NOT NULL DEFAULT 'assigned',
        version int NOT NULL DEFAULT 1,
        draft jsonb,
        reopen_reason text,
        replaces_task_id uuid REFERENCES read_tasks(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        reassigned_at timestamptz,
        CONSTRAINT read_tasks_read_code_key UNIQUE (read_code),
        CONSTRAINT read_tasks_status_known CHECK (status IN ('assigned','submitted','reassigned')),
        CONSTRAINT read_tasks_version_positive CHECK (version >= 1)
      )`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_slot_key ON read_tasks (photo_set_id, slot)
        WHERE status <> 'reassigned'`);
    await db.query(`
      CREATE UNIQUE INDEX read_tasks_set_rater_key ON read_tasks (photo_set_id, rater_id)
        WHERE status <> 'reassigned'`);
    await db.query(`
      CREATE INDEX read_tasks_rater_open_idx ON read_tasks (rater_id, queue_key, id)
        WHERE status = 'assigned'`);
    await db.query(
      `CREATE INDEX read_tasks_rater_submitted_idx ON read_tasks (rater_id, submitted_at)`,
    );
    await db.query(`CREATE INDEX read_tasks_study_idx ON read_tasks (study_id, status)`);

    // Scores are immutable: a correction is a new version of the task's read, the old one stays.
    await db.query(`
      CREATE TABLE reads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        read_task_id uuid NOT NULL REFERENCES read_tasks(id),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        rater_id uuid NOT NULL REFERENCES users(id),
        version int NOT NULL,
        score_top numeric(4,1) NOT NULL,
        score_back numeric(4,1) NOT NULL,
        score_left numeric(4,1) NOT NULL,
        score_right numeric(4,1) NOT NULL,
        salt numeric(4,1) NOT NULL,
        idempotency_key text,
        correction_reason text,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reads_task_version_key UNIQUE (read_task_id, version),
        CONSTRAINT reads_scores_in_range CHECK (
          score_top BETWEEN 0 AND 100 AND score_back BETWEEN 0 AND 100 AND
          score_left BETWEEN 0 AND 100 AND score_right BETWEEN 0 AND 100 AND
          salt BETWEEN 0 AND 100
        )
      )`);
    await db.query(`CREATE INDEX reads_set_idx ON reads (photo_set_id)`);

    // One row per evaluated pair of read versions: re-running the evaluate job finds it.
    await db.query(`
      CREATE TABLE pair_evaluations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        read_a_id uuid NOT NULL REFERENCES reads(id),
        read_b_id uuid NOT NULL REFERENCES reads(id),
        difference numeric(4,1) NOT NULL,
        rules_fired text[] NOT NULL,
        rules jsonb NOT NULL,
        outcome text NOT NULL,
        evaluated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pair_evaluations_pair_key UNIQUE (read_a_id, read_b_id),
        CONSTRAINT pair_evaluations_outcome_known CHECK (outcome IN ('concordant','discordant')),
        CONSTRAINT pair_evaluations_rules_known CHECK (
          rules_fired <@ ARRAY['max-difference','threshold']::text[]
        )
      )`);
    await db.query(`CREATE INDEX pair_evaluations_set_idx ON pair_evaluations (photo_set_id)`);

    await db.query(`
      CREATE TABLE adjudication_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        study_id uuid NOT NULL REFERENCES studies(id),
        evaluation_id uuid NOT NULL REFERENCES pair_evaluations(id),
        adjudicator_id uuid NOT NULL REFERENCES users(id),
        code text NOT NULL,
        queue_key double precision NOT NULL,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        CONSTRAINT adjudication_tasks_code_key UNIQUE (code),
        CONSTRAINT adjudication_tasks_evaluation_key UNIQUE (evaluation_id),
        CONSTRAINT adjudication_tasks_status_known CHECK (status IN ('open','decided'))
      )`);
    await db.query(`
      CREATE UNIQUE INDEX adjudication_tasks_one_open_key ON adjudication_tasks (photo_set_id)
        WHERE status = 'open'`);
    await db.query(`
      CREATE INDEX adjudication_tasks_adjudicator_open_idx
        ON adjudication_tasks (adjudicator_id, queue_key, id) WHERE status = 'open'`);
    await db.query(
      `CREATE INDEX adjudication_tasks_adjudicator_idx ON adjudication_tasks (adjudicator_id, decided_at)`,
    );

    await db.query(`
      CREATE TABLE adjudication_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        adjudication_task_id uuid NOT NULL REFERENCES adjudication_tasks(id),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        adjudicator_id uuid NOT NULL REFERENCES users(id),
        choice text NOT NULL,
        score_top numeric(4,1),
        score_back numeric(4,1),
        score_left numeric(4,1),
        score_right numeric(4,1),
        salt numeric(4,1) NOT NULL,
        rationale text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT adjudication_decisions_task_key UNIQUE (adjudication_task_id),
        CONSTRAINT adjudication_decisions_choice_known CHECK (choice IN ('A','B','own')),
        CONSTRAINT adjudication_decisions_own_scores CHECK (
          (choice = 'own') = (score_top IS NOT NULL AND score_back IS NOT NULL AND
                              score_left IS NOT NULL AND score_right IS NOT NULL)
        ),
        CONSTRAINT adjudication_decisions_rationale_length CHECK (length(btrim(rationale)) >= 10)
      )`);

    // Versioned: a reopened read that is scored again yields a new final score, the old one stays.
    await db.query(`
      CREATE TABLE final_scores (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_set_id uuid NOT NULL REFERENCES photo_sets(id),
        version int NOT NULL,
        salt numeric(4,1) NOT NULL,
        source text NOT NULL,
        evaluation_id uuid NOT NULL REFERENCES pair_evaluations(id),
        adjudication_decision_id uuid REFERENCES adjudication_decisions(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT final_scores_version_key UNIQUE (photo_set_id, version),
        CONSTRAINT final_scores_evaluation_key UNIQUE (evaluation_id),
        CONSTRAINT final_scores_source_known CHECK (source IN ('concordant-mean','adjudicated')),
        CONSTRAINT final_scores_salt_in_range CHECK (salt BETWEEN 0 AND 100)
      )`);

    // Scores, decisions and finals are facts of record: enforced by the database, not manners.
    await db.query(`
      CREATE FUNCTION scores_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is immutable: % is not allowed', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['reads', 'pair_evaluations', 'adjudication_decisions', 'final_scores']) {
      await db.query(`
        CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION scores_immutable()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE final_scores`);
    await db.query(`DROP TABLE adjudication_decisions`);
    await db.query(`DROP TABLE adjudication_tasks`);
    await db.query(`DROP TABLE pair_evaluations`);
    await db.query(`DROP TABLE reads`);
    await db.query(`DROP TABLE read_tasks`);
    await db.query(`DROP FUNCTION scores_immutable`);
  }
}
