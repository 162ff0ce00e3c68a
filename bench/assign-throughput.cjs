#!/usr/bin/env node
// Assignment pipeline throughput against a bare floor (DESIGN §6: at least half of it).
// Usage: npm run build:server && node bench/assign-throughput.cjs [sets]
// Floor: a raw BullMQ worker (same concurrency) whose job inserts two rows in one transaction.
// Real: the app's worker processing `assign` jobs for ready sets (locks, pairing, two tasks,
// two audit events, the status change). Uses a throwaway database salt_bench_assign_<pid> and a
// queue prefix of its own on REDIS_URL, and drops the database afterwards.
require('reflect-metadata');
const { Client, Pool } = require('pg');
const { Queue, Worker } = require('bullmq');
const { loadConfig } = require('../dist/config/app-config');
const { createWorkerContext } = require('../dist/app.factory');
const { DEFAULT_JOB_OPTIONS, QueueProducer } = require('../dist/queue/queue.producer');
const { jobId } = require('../dist/queue/job-id');
const { redisConnectionOptions } = require('../dist/queue/redis-connection');
const { READ_JOB_WORKER_OPTIONS } = require('../dist/queue/worker-options');

const SETS = Number(process.argv[2] ?? 2000);
const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const name = `salt_bench_assign_${process.pid}`;
const prefix = `salt-bench-assign-${process.pid}`;
const url = (db) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();

async function floor(pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_pairs (id bigserial, set_id int, slot int)`);
  const connection = redisConnectionOptions(redisUrl);
  const queue = new Queue('bench-floor', { connection, prefix });
  const started = Date.now();
  let done = 0;
  await new Promise((resolve) => {
    const worker = new Worker(
      'bench-floor',
      async (job) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('INSERT INTO bench_pairs (set_id, slot) VALUES ($1, 1)', [
            job.data.setId,
          ]);
          await client.query('INSERT INTO bench_pairs (set_id, slot) VALUES ($1, 2)', [
            job.data.setId,
          ]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      },
      { connection, prefix, concurrency: READ_JOB_WORKER_OPTIONS.concurrency },
    );
    worker.on('completed', () => {
      if (++done === SETS) void worker.close().then(resolve);
    });
    void queue.addBulk(
      Array.from({ length: SETS }, (_, i) => ({
        name: 'floor',
        data: { setId: i },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: `floor.${i}` },
      })),
    );
  });
  const ms = Date.now() - started;
  await queue.obliterate({ force: true });
  await queue.close();
  return ms;
}

async function real(pool) {
  const config = loadConfig({
    DATABASE_URL: url(name),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    SALT_ROLE: 'worker',
    LOG_LEVEL: 'error',
    STORAGE_DIR: `/tmp/${name}`,
    RECONCILE_EVERY_MS: '3600000',
  });
  const context = await createWorkerContext(config);
  try {
    const [{ id: studyId }] = (
      await pool.query(`INSERT INTO studies (code, title) VALUES ('BENCH', 'bench') RETURNING id`)
    ).rows;
    await pool.query(
      `WITH u AS (
         INSERT INTO users (email, name, password_hash, roles)
         SELECT 'rater' || g || '@bench.test', 'Rater ' || g, 'x', '{rater}'
           FROM generate_series(1, 6) g RETURNING id)
       INSERT INTO study_members (study_id, user_id, roles) SELECT $1, id, '{rater}' FROM u`,
      [studyId],
    );
    const { rows } = await pool.query(
      `WITH s AS (INSERT INTO subjects (study_id, code)
                  SELECT $1, 'S' || g FROM generate_series(1, $2::int / 4 + 1) g RETURNING id, code)
       INSERT INTO photo_sets (study_id, subject_id, visit, status)
       SELECT $1, s.id, 'v' || g, 'ready' FROM generate_series(1, $2::int) g
         JOIN s ON s.code = 'S' || (1 + (g - 1) % ($2::int / 4 + 1))
       RETURNING id`,
      [studyId, SETS],
    );
    const producer = context.get(QueueProducer, { strict: false });
    const started = Date.now();
    // Visits of one subject are spread over the run, as uploads arrive over months.
    await producer.queue('assign').addBulk(
      rows.map(({ id }) => ({
        name: 'assign',
        data: { photoSetId: id },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: jobId('assign', id) },
      })),
    );
    for (;;) {
      const { rows: left } = await pool.query(
        `SELECT count(*) AS n FROM photo_sets WHERE status <> 'reading'`,
      );
      if (Number(left[0].n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ms = Date.now() - started;
    const { rows: tasks } = await pool.query(`SELECT count(*) AS n FROM read_tasks`);
    if (Number(tasks[0].n) !== 2 * SETS)
      throw new Error(`expected ${2 * SETS} tasks, got ${tasks[0].n}`);
    await producer.queue('assign').obliterate({ force: true });
    return ms;
  } finally {
    await context.close();
  }
}

async function main() {
  const admin = new Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const { DataSource } = require('typeorm');
  const { dataSourceOptions } = require('../dist/database/data-source-options');
  const { runMigrations } = require('../dist/database/migrate');
  const migrator = new DataSource(dataSourceOptions({ databaseUrl: url(name) }));
  const pool = new Pool({ connectionString: url(name), max: 20 });
  pool.on('error', () => undefined);
  try {
    await migrator.initialize();
    await runMigrations(migrator);
    await migrator.destroy();
    const floorMs = await floor(pool);
    const realMs = await real(pool);
    const floorRate = (SETS / floorMs) * 1000;
    const realRate = (SETS / realMs) * 1000;
    console.log(`floor: ${SETS} jobs in ${floorMs} ms = ${floorRate.toFixed(0)} jobs/s`);
    console.log(`assign: ${SETS} sets in ${realMs} ms = ${realRate.toFixed(0)} sets/s`);
    console.log(
      `ratio ${(realRate / floorRate).toFixed(2)} (target ≥ 0.50): ${realRate / floorRate >= 0.5 ? 'ok' : 'BELOW TARGET'}`,
    );
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
