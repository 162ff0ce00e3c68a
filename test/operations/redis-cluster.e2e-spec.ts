import { Cluster } from 'ioredis';
import { RedisClient } from '../../src/queue/redis.provider';
import { API, Make, studyWithTeam, scores, tasksOf, waitForStatus } from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { startTestApp, TestApp } from '../support/test-app';
import { RedisCluster, startRedisCluster } from './redis-cluster';

const FAILURES_PER_MINUTE = 3;

/** Every key under `pattern` on each master of the cluster, by master. */
async function keysByMaster(nodes: string[], pattern: string): Promise<string[][]> {
  const client = new Cluster(nodes.map((node) => node));
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
    });
    return await Promise.all(
      client.nodes('master').map(async (master) => {
        const found: string[] = [];
        let cursor = '0';
        do {
          const [next, keys] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          found.push(...keys);
          cursor = next;
        } while (cursor !== '0');
        return found;
      }),
    );
  } finally {
    client.disconnect();
  }
}

describe('on a 3-master Redis Cluster (QUEUE_PREFIX={salt})', () => {
  let cluster: RedisCluster;
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    t = await startTestApp({
      env: {
        REDIS_URL: undefined,
        REDIS_CLUSTER_NODES: cluster.nodes.join(','),
        QUEUE_PREFIX: '{salt}',
        LOGIN_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
        TRUST_PROXY: '1',
      },
    });
    make = new Make(t);
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  });

  it('runs the whole pipeline: upload, ingest, assign, two reads, evaluate, adjudicate', async () => {
    expect(t.app.get(RedisClient, { strict: false }).redis).toBeInstanceOf(Cluster);
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 1, coordinators: 1 });

    const uploaded = await upload(
      team.coordinators[0].client,
      team.study.id,
      { subjectCode: 'RC-1', visit: 'baseline' },
      await fourViews(),
    );
    expect(uploaded.status).toBe(202);
    const setId = (uploaded.body as { id: string }).id;
    // Ingest (a job), then assignment (another) hand the set to two raters.
    await waitForStatus(t, [setId], (status) => status === 'reading', 60_000);
    const tasks = await tasksOf(t, [setId]);
    expect(tasks.map((task) => task.slot).sort()).toEqual([1, 2]);

    // Two reads far apart: the evaluate job finds them discordant and opens an adjudication.
    for (const rater of team.raters) {
      const next = await rater.client.post('/reads/next').expect(200);
      const task = tasks.find((candidate) => candidate.id === next.body.id)!;
      await rater.client
        .post(`/reads/${task.id}/score`, scores(task.slot === 1 ? 10 : 60))
        .expect(201);
    }
    await waitForStatus(t, [setId], (status) => status === 'adjudicating', 60_000);

    const adjudicator = team.adjudicators[0].client;
    const queue = await adjudicator.get('/adjudications').expect(200);
    expect(queue.body.items).toHaveLength(1);
    const decided = await adjudicator
      .post(`/adjudications/${queue.body.items[0].id}/decision`, {
        choice: 'A',
        rationale: 'Read A matches the images.',
      })
      .expect(201);
    expect(decided.body.finalSalt).toBe(10);
    await waitForStatus(t, [setId], (status) => status === 'final', 60_000);
    const finals: { salt: string; source: string }[] = await t.db.query(
      'SELECT salt, source FROM final_scores WHERE photo_set_id = $1',
      [setId],
    );
    expect(finals).toEqual([{ salt: '10.0', source: 'adjudicated' }]);

    // The queues really lived on the cluster, every key of them in the prefix's one slot.
    const byMaster = await keysByMaster(cluster.nodes, '{salt}:*');
    expect(byMaster.flat().length).toBeGreaterThan(0);
    expect(byMaster.filter((keys) => keys.length > 0)).toHaveLength(1);
  }, 180_000);

  it('throttles sign-in: the failures counted on the cluster end in 429', async () => {
    const rater = await make.rater();
    for (let i = 1; i <= FAILURES_PER_MINUTE; i++) {
      await t
        .http()
        .post(`${API}/auth/login`)
        .set('X-Forwarded-For', `10.1.0.${i}`)
        .send({ email: rater.user.email, password: 'not-the-password' })
        .expect(401);
    }
    // Refused even with the right password, from yet another address: the account's counter.
    const refused = await t
      .http()
      .post(`${API}/auth/login`)
      .set('X-Forwarded-For', '10.1.0.99')
      .send({ email: rater.user.email, password: rater.password });
    expect(refused.status).toBe(429);
    const counters = (await keysByMaster(cluster.nodes, '{salt}:app:login-fail:*')).flat();
    expect(counters.length).toBeGreaterThan(0);
  }, 60_000);
});
