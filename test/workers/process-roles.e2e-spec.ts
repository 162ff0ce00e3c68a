import { randomBytes } from 'node:crypto';
import { QueueProducer } from '../../src/queue/queue.producer';
import { QueueName } from '../../src/queue/queue-names';
import {
  assign,
  insertReadySetsWithoutImages,
  Make,
  setStatuses,
  studyWithTeam,
  waitForStatus,
} from '../support/factories';
import { cloneTestDatabase, startTestApp, TestApp } from '../support/test-app';

describe('process roles: only a process that runs workers consumes jobs', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('an api process enqueues but never assigns; a worker on the same queues does', async () => {
    const database = await cloneTestDatabase();
    const queuePrefix = `salt-roles-${randomBytes(4).toString('hex')}`;
    const api = await startTestApp({
      database,
      env: { SALT_ROLE: 'api', QUEUE_PREFIX: queuePrefix },
    });
    apps.push(api);
    const team = await studyWithTeam(new Make(api), { raters: 2, adjudicators: 0 });
    const ids = await insertReadySetsWithoutImages(api, team.study.id, 3);
    await assign(api, ids);
    const assignQueue = api.app.get(QueueProducer).queue(QueueName.Assign);

    // Long enough for a worker in this process to have taken all three (each takes milliseconds).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Object.values(await setStatuses(api, ids))).toEqual(['ready', 'ready', 'ready']);
    expect(await assignQueue.getWaitingCount()).toBe(3);

    const worker = await startTestApp({
      database,
      env: { SALT_ROLE: 'worker', QUEUE_PREFIX: queuePrefix },
    });
    apps.push(worker);
    const statuses = await waitForStatus(api, ids, (status) => status === 'reading');
    expect(Object.values(statuses)).toEqual(['reading', 'reading', 'reading']);
  });
});
