import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import Redis from 'ioredis';
import { QueueProducer } from '../../src/queue/queue.producer';
import { QueueName } from '../../src/queue/queue-names';
import {
  Make,
  assign,
  insertReadySet,
  insertReadySetsWithoutImages,
  scores,
  studyWithTeam,
  tasksOf,
  waitForStatus,
} from '../support/factories';
import {
  buildServer,
  spawnNode,
  Spawned,
  startThrowawayRedis,
  waitFor,
} from '../support/processes';
import { cloneTestDatabase, startTestApp, TestApp } from '../support/test-app';
import { databaseUrl, TEST_REDIS_URL } from '../support/test-env';

async function count(t: TestApp, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await t.db.query(sql, params);
  return Number(row.n);
}

describe('faults: no work lost or duplicated', () => {
  it('a worker SIGKILLed while assigning 200 sets ends, after restart, with exactly 400 tasks', async () => {
    const mainJs = buildServer();
    const database = await cloneTestDatabase();
    const queuePrefix = `salt-kill-${randomBytes(4).toString('hex')}`;
    // This process only serves HTTP and enqueues; the spawned worker does the assigning.
    const t = await startTestApp({
      database,
      env: { SALT_ROLE: 'api', QUEUE_PREFIX: queuePrefix },
    });
    const workers: Spawned[] = [];
    try {
      const team = await studyWithTeam(new Make(t), { raters: 6, adjudicators: 0 });
      const ids = await insertReadySetsWithoutImages(t, team.study.id, 200);
      const producer = t.app.get(QueueProducer, { strict: false });
      for (const id of ids) await producer.enqueue(QueueName.Assign, id, { photoSetId: id });
      const env = {
        SALT_ROLE: 'worker',
        DATABASE_URL: databaseUrl(database),
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        STORAGE_DIR: `${dirname(mainJs)}/photos`,
        SALT_MIGRATE: 'false',
        LOG_LEVEL: 'error',
      };
      const tasks = () => count(t, `SELECT count(*) AS n FROM read_tasks`);
      const first = spawnNode(mainJs, env);
      workers.push(first);
      await waitFor(async () => (await tasks()) >= 40, 60_000, 20);
      first.child.kill('SIGKILL');
      await first.exited;
      const atKill = await tasks();
      expect(atKill).toBeLessThan(400);

      const second = spawnNode(mainJs, env);
      workers.push(second);
      await waitFor(
        async () =>
          (await count(
            t,
            `SELECT count(*) AS n FROM photo_sets WHERE study_id = $1 AND status = 'reading'`,
            [team.study.id],
          )) === 200,
        90_000,
        200,
      );
      expect(await tasks()).toBe(400);
      const perSet: { n: string; raters: string }[] = await t.db.query(
        `SELECT count(*) AS n, count(DISTINCT rater_id) AS raters FROM read_tasks
          GROUP BY photo_set_id`,
      );
      expect(perSet).toHaveLength(200);
      expect(perSet.every((row) => row.n === '2' && row.raters === '2')).toBe(true);
      // Each assignment left its two audit events, once.
      expect(
        await count(t, `SELECT count(*) AS n FROM audit_events WHERE action = 'read.assigned'`),
      ).toBe(400);
      second.child.kill('SIGTERM');
      await second.exited;
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
      await t.close();
    }
  }, 180_000);

  it('FLUSHALL in the middle of a run: reconciliation finishes every set', async () => {
    const redis = await startThrowawayRedis();
    const t = await startTestApp({ env: { REDIS_URL: redis.url, RECONCILE_EVERY_MS: '1000' } });
    const flusher = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      const team = await studyWithTeam(new Make(t), { raters: 2, adjudicators: 1 });
      const early: string[] = [];
      for (let i = 0; i < 4; i++) {
        early.push((await insertReadySet(t, team.study.id, `FL-${i}`, 'baseline')).id);
      }
      await assign(t, early);
      await waitForStatus(t, early, (s) => s === 'reading');
      const earlyTasks = await tasksOf(t, early);
      // Both reads of every early set go in, and Redis is flushed right behind them: whatever
      // evaluate jobs had not run yet are gone.
      await Promise.all(
        earlyTasks.map((task) =>
          team.raters
            .find((rater) => rater.user.id === task.raterId)!
            .client.post(`/reads/${task.id}/score`, scores(30 + task.slot))
            .expect(201),
        ),
      );
      // Sets that become ready while Redis is empty have no job at all.
      const late: string[] = [];
      for (let i = 0; i < 4; i++) {
        late.push((await insertReadySet(t, team.study.id, `FL-late-${i}`, 'baseline')).id);
      }
      await flusher.flushall();
      expect(await flusher.dbsize()).toBe(0);

      await waitForStatus(t, early, (s) => s === 'final', 30_000);
      await waitForStatus(t, late, (s) => s === 'reading', 30_000);
      const lateTasks = await tasksOf(t, late);
      expect(lateTasks).toHaveLength(8);
      await flusher.flushall();
      for (const task of lateTasks) {
        await team.raters
          .find((rater) => rater.user.id === task.raterId)!
          .client.post(`/reads/${task.id}/score`, scores(50))
          .expect(201);
      }
      await flusher.flushall();
      await waitForStatus(t, late, (s) => s === 'final', 30_000);
      const finals: { n: string }[] = await t.db.query(
        `SELECT count(*) AS n FROM final_scores WHERE photo_set_id = ANY($1::uuid[])`,
        [[...early, ...late]],
      );
      expect(finals[0].n).toBe('8');
    } finally {
      flusher.disconnect();
      await t.close();
      await redis.stop();
    }
  }, 120_000);
});
