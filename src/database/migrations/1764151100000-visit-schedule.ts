import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Studies get a visit schedule in their settings (`visits`). A study that already has photo
 * sets keeps working: the visit labels it uses become its schedule, in order of first upload,
 * the first being the baseline. Planned days are left null: nothing recorded says what the
 * charter planned, and visit dates are what happened, not what was planned. A study without
 * sets keeps an empty schedule (any visit accepted until one is set).
 */
export class VisitSchedule1764151100000 implements MigrationInterface {
  name = 'VisitSchedule1764151100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      UPDATE studies st
         SET settings = st.settings || jsonb_build_object('visits', schedule.visits)
        FROM (
          SELECT study_id,
                 jsonb_agg(
                   jsonb_build_object('label', visit, 'plannedDay', NULL,
                                      'baseline', position = 1)
                   ORDER BY position) AS visits
            FROM (SELECT study_id, visit,
                         row_number() OVER (PARTITION BY study_id
                                            ORDER BY min(created_at), visit) AS position
                    FROM photo_sets GROUP BY study_id, visit) labels
           GROUP BY study_id) schedule
       WHERE schedule.study_id = st.id AND NOT st.settings ? 'visits'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE studies SET settings = settings - 'visits'`);
  }
}
