import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';

/** The reconciler's questions about assignment, answered from Postgres alone. */
@Injectable()
export class AssignmentRepository {
  /** Sets that are ready to read but have no pair yet. */
  async setsAwaitingRaters(tx: EntityManager, studyId?: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `SELECT id FROM photo_sets
        WHERE status IN ('ready', 'awaiting-raters') AND ($1::uuid IS NULL OR study_id = $1)
        ORDER BY created_at, id`,
      [studyId ?? null],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Unsubmitted tasks whose rater may no longer read in the study: deactivated, without the
   * global rater role, or no longer a rater member of the study.
   */
  async tasksNeedingReassignment(tx: EntityManager, studyId?: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      tx,
      `SELECT t.id FROM read_tasks t JOIN users u ON u.id = t.rater_id
         LEFT JOIN study_members m ON m.study_id = t.study_id AND m.user_id = t.rater_id
        WHERE t.status = 'assigned' AND ($1::uuid IS NULL OR t.study_id = $1)
          AND (NOT u.active OR NOT 'rater' = ANY(u.roles) OR m.user_id IS NULL
               OR NOT 'rater' = ANY(m.roles))
        ORDER BY t.created_at, t.id`,
      [studyId ?? null],
    );
    return rows.map((row) => row.id);
  }
}
