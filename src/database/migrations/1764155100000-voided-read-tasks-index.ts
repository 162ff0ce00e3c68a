import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agreement leaves out every pair with a read voided by a replacement image (image queries), by
 * anti-joining the voided read tasks. Without an index of their own, finding those few tasks
 * scanned every task of every study through read_tasks_study_idx on each request; this partial
 * index holds only the voided ones.
 */
export class VoidedReadTasksIndex1764155100000 implements MigrationInterface {
  name = 'VoidedReadTasksIndex1764155100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX read_tasks_voided_idx ON read_tasks (id) WHERE status = 'voided'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX read_tasks_voided_idx`);
  }
}
