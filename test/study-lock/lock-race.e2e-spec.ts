import { QueryRunner } from 'typeorm';
import { studyWriteLockSql } from '../../src/studies/study-lock.repository';
import { Make, readingSet, scores, studyWithTeam, Team } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The study lock against writes in flight. Writers take the study's write lock shared and check
 * for an open lock in a later statement; locking takes it exclusive. A transaction of the test
 * stands in for the other side, held open at the moment that matters.
 */
describe('the study lock and a score submission at the same moment', () => {
  let t: TestApp;
  let make: Make;
  let team: Team;
  let subject = 0;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    team = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
  });
  afterAll(() => t.close());

  async function openTransaction(): Promise<QueryRunner> {
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    return runner;
  }

  /** Waits until some session waits for the study's write lock (an advisory lock). */
  async function someoneWaitsForTheWriteLock(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const [{ waiting }] = await t.db.query<{ waiting: number }[]>(
        `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
      );
      if (waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('nobody waited for the study write lock');
  }

  async function taskStatus(taskId: string): Promise<string> {
    const [row] = await t.db.query<{ status: string }[]>(
      'SELECT status FROM read_tasks WHERE id = $1',
      [taskId],
    );
    return row.status;
  }

  it('refuses a submission that had to wait for a lock being taken, and writes nothing', async () => {
    const studyId = team.study.id;
    const { tasks } = await readingSet(t, studyId, `RACE-${++subject}`, 'v1');
    const rater = team.raters.find((r) => r.user.id === tasks[0].raterId)!;
    // StudyLockService.lock, stopped before its commit: write lock exclusive, lock row written.
    const locking = await openTransaction();
    await locking.query(`SELECT ${studyWriteLockSql('$1', 'exclusive')}`, [studyId]);
    const [{ id: lockId }] = (await locking.query(
      `INSERT INTO study_locks (study_id, locked_by, reason, audit_head)
       VALUES ($1, $2, 'Freeze for the interim analysis', 'null') RETURNING id`,
      [studyId, rater.user.id],
    )) as { id: string }[];
    const submission = rater.client.post(`/reads/${tasks[0].id}/score`, scores(30)).then((r) => r);
    await someoneWaitsForTheWriteLock();
    await locking.commitTransaction();
    await locking.release();

    const response = await submission;
    expect(response.status).toBe(409);
    expect(response.body.message).toContain(`lock ${lockId}`);
    expect(await taskStatus(tasks[0].id)).toBe('assigned');
    const reads = await t.db.query<unknown[]>('SELECT id FROM reads WHERE read_task_id = $1', [
      tasks[0].id,
    ]);
    expect(reads).toHaveLength(0);

    await team.admin
      .post(`/studies/${studyId}/unlock`, { reason: 'Interim analysis delivered' })
      .expect(200);
  });

  it('makes locking wait for a write in flight, which then commits before the lock', async () => {
    const studyId = team.study.id;
    const { tasks } = await readingSet(t, studyId, `RACE-${++subject}`, 'v1');
    // A writer of the study in flight: it holds the write lock shared until it commits.
    const writer = await openTransaction();
    await writer.query(`SELECT ${studyWriteLockSql('$1', 'shared')}`, [studyId]);
    const lock = team.admin
      .post(`/studies/${studyId}/lock`, { reason: 'Freeze for the final analysis' })
      .then((r) => r);
    await someoneWaitsForTheWriteLock();
    // The lock is queued behind the writer: only the writer's commit lets it in.
    await writer.commitTransaction();
    await writer.release();
    const locked = await lock;
    expect(locked.status).toBe(200);

    const rater = team.raters.find((r) => r.user.id === tasks[0].raterId)!;
    const refused = await rater.client.post(`/reads/${tasks[0].id}/score`, scores(30));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`lock ${locked.body.lockId as string}`);
    await team.admin
      .post(`/studies/${studyId}/unlock`, { reason: 'Final analysis delivered' })
      .expect(200);
  });
});
