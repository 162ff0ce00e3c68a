import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import ts from 'typescript';
import { ALL_QUEUES, QueueName } from '../../src/queue/queue-names';
import { Make, scores, studyWithTeam, Team, tasksOf, waitForStatus } from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { freePort, waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Admins see every job's payload and result in the queue dashboard (/admin/queues), so jobs must
 * hold ids only. The pipeline runs on a redis-server of its own, watched with MONITOR: every
 * command that touches a queue's keys (jobs added, moved, finished with their results) is
 * checked, then every key left in Redis, including failed jobs that retention keeps.
 */

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'salt-payload-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor(async () => {
    const probe = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }, 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Everything stored under a key, as text, whatever the key's type. */
async function contentOf(redis: Redis, key: string): Promise<string> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return (await redis.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await redis.smembers(key)).join('\n');
    case 'zset':
      return (await redis.zrange(key, 0, -1)).join('\n');
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}

describe('job payloads hold ids only', () => {
  let redisServer: Awaited<ReturnType<typeof startRedis>>;
  let watcher: Redis;
  let monitor: Redis;
  let t: TestApp;
  let team: Team;
  const commands: string[] = [];

  beforeAll(async () => {
    redisServer = await startRedis();
    watcher = new Redis(redisServer.url);
    monitor = await watcher.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
    t = await startTestApp({ env: { REDIS_URL: redisServer.url } });
    team = await studyWithTeam(new Make(t), { raters: 2, adjudicators: 1, coordinators: 1 });
  });
  afterAll(async () => {
    await t?.close();
    monitor?.disconnect();
    watcher?.disconnect();
    await redisServer?.stop();
  });

  it('in every job of a whole pipeline: upload, ingest, assign, reads, evaluate, adjudicate', async () => {
    const tag = randomBytes(4).toString('hex');
    const subjectCode = `PAYLOAD-${tag}`;
    const visit = `Visit ${tag}`;
    const visitDate = '2025-07-19';
    const uploaded = await upload(
      team.coordinators[0].client,
      team.study.id,
      { subjectCode, visit, visitDate },
      await fourViews(),
    );
    expect(uploaded.status).toBe(202);
    const setId = uploaded.body.id as string;
    await waitForStatus(t, [setId], (status) => status === 'reading');
    const tasks = await tasksOf(t, [setId]);
    for (const task of tasks) {
      const rater = team.raters.find((member) => member.user.id === task.raterId)!;
      // Discordant (10 against 60), so the set goes to adjudication.
      await rater.client
        .post(`/reads/${task.id}/score`, scores(task.slot === 1 ? 10 : 60))
        .expect(201);
    }
    await waitForStatus(t, [setId], (status) => status === 'adjudicating');
    const adjudicator = team.adjudicators[0].client;
    const next = await adjudicator.post('/adjudications/next').expect(200);
    await adjudicator
      .post(`/adjudications/${next.body.id}/decision`, {
        choice: 'B',
        rationale: 'Read B matches the visible loss on the vertex.',
      })
      .expect(201);
    await waitForStatus(t, [setId], (status) => status === 'final');

    const people = [...team.raters, ...team.adjudicators, ...team.coordinators].map(
      (member) => member.user,
    );
    const forbidden = [
      subjectCode,
      visit,
      visitDate,
      visitDate.replaceAll('-', ''),
      team.study.code,
      ...people.flatMap((user) => [user.name, user.email]),
    ];

    // Every command on a queue's keys, as it reached Redis.
    const prefix = t.config.queuePrefix;
    const queueKey = new RegExp(`(^| )${prefix}:(${ALL_QUEUES.join('|')}):`);
    const queueCommands = commands.filter((command) => queueKey.test(command));
    expect(queueCommands.length).toBeGreaterThan(0);
    // The watch saw the jobs this pipeline ran (set id as job id and payload).
    for (const queue of [QueueName.Ingest, QueueName.Assign, QueueName.Evaluate]) {
      expect(
        queueCommands.some((c) => c.includes(`${prefix}:${queue}:`) && c.includes(setId)),
      ).toBe(true);
    }
    for (const value of forbidden) {
      const leaking = queueCommands.filter((command) => command.includes(value));
      expect({ value, leaking }).toEqual({ value, leaking: [] });
    }

    // And every key left in Redis, failed jobs kept by retention included.
    const redis = new Redis(redisServer.url);
    try {
      const keys = (await redis.keys(`${prefix}:*`)).filter(
        (key) => !key.startsWith(`${prefix}:app:`),
      );
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const content = await contentOf(redis, key);
        for (const value of forbidden) {
          expect({ key, value, found: content.includes(value) }).toEqual({
            key,
            value,
            found: false,
          });
        }
      }
    } finally {
      redis.disconnect();
    }
  });
});

describe('the JobPayload types', () => {
  it('give every queue a payload of string ids and nothing else', () => {
    const path = join(__dirname, '../../src/queue/queue-names.ts');
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
    const payload = source.statements.find(
      (node): node is ts.InterfaceDeclaration =>
        ts.isInterfaceDeclaration(node) && node.name.text === 'JobPayload',
    );
    expect(payload).toBeDefined();
    const fields: Record<string, string[]> = {};
    for (const member of payload!.members) {
      if (!ts.isPropertySignature(member) || !member.type) throw new Error('unexpected member');
      const queue = member.name.getText(source);
      const type = member.type;
      if (ts.isTypeLiteralNode(type)) {
        fields[queue] = type.members.map((field) => {
          if (!ts.isPropertySignature(field) || !field.type) throw new Error(`${queue}: odd field`);
          return `${field.name.getText(source)}: ${field.type.getText(source)}`;
        });
      } else {
        // The only other shape allowed is an empty payload.
        expect({ queue, type: type.getText(source) }).toEqual({
          queue,
          type: 'Record<string, never>',
        });
        fields[queue] = [];
      }
    }
    const names = Object.fromEntries(
      Object.entries(QueueName).map(([key, value]) => [`[QueueName.${key}]`, value]),
    );
    expect(Object.keys(fields).sort()).toEqual(Object.keys(names).sort());
    for (const [queue, list] of Object.entries(fields)) {
      for (const field of list) {
        expect({ queue, field, idsOnly: /^[a-z][A-Za-z]*Id: string$/.test(field) }).toEqual({
          queue,
          field,
          idsOnly: true,
        });
      }
    }
  });
});
