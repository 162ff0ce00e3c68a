#!/usr/bin/env node
// Assignment pipeline throughput within one study against a raw BullMQ floor (DESIGN §6: at
// least half of it), and two worker processes against one.
// Usage: npm run build:server && node bench/assign-throughput.cjs [sets=2000]
// Floor: bench/floors/bullmq-two-inserts.cjs, a separate process with the same concurrency as
// the app's read-job workers, whose job inserts two rows in one transaction.
// Real: dist/main.js with SALT_ROLE=worker processing `assign` jobs for ready sets (locks,
// pairing, two tasks, two audit events, the status change), one process and then two. Each run
// is timed from adding the jobs until Postgres shows every set done. Throwaway database and a
// queue prefix of its own.
require('reflect-metadata');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { Queue } = require('bullmq');
const {
  recordResult,
  sleep,
  startProcess,
  startSaltWorker,
  withBenchDatabase,
} = require('./bench-support.cjs');
const { DEFAULT_JOB_OPTIONS } = require('../dist/queue/queue.producer');
const { jobId } = require('../dist/queue/job-id');
const { READ_JOB_WORKER_OPTIONS } = require('../dist/queue/worker-options');

const SETS = Number(process.argv[2] ?? 2000);
const connection = (() => {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
})();

async function waitUntil(db, sql, params) {
  for (;;) {
    const [{ done }] = await db.query(sql, params);
    if (done) return;
    await sleep(20);
  }
}

async function floorRun(db, databaseUrl, prefix) {
  await db.query(`CREATE TABLE bench_pairs (id bigserial PRIMARY KEY, set_id int, slot int)`);
  const queue = new Queue('bench-floor', { connection, prefix });
  const worker = await startProcess('floor-bullmq', ['bench/floors/bullmq-two-inserts.cjs'], {
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: prefix,
    CONCURRENCY: String(READ_JOB_WORKER_OPTIONS.concurrency),
  });
  try {
    const started = Date.now();
    await queue.addBulk(
      Array.from({ length: SETS }, (_, i) => ({
        name: 'floor',
        data: { setId: i },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: `floor.${i}` },
      })),
    );
    await waitUntil(db, `SELECT count(*) >= $1 AS done FROM bench_pairs`, [2 * SETS]);
    return (SETS / (Date.now() - started)) * 1000;
  } finally {
    await worker.stop();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function seedStudy(db) {
  const [{ id: studyId }] = await db.query(
    `INSERT INTO studies (code, title) VALUES ('BENCH', 'bench') RETURNING id`,
  );
  await db.query(
    `WITH u AS (
       INSERT INTO users (email, name, password_hash, roles)
       SELECT 'rater' || g || '@bench.test', 'Rater ' || g, 'x', '{rater}'
         FROM generate_series(1, 6) g RETURNING id)
     INSERT INTO study_members (study_id, user_id, roles) SELECT $1, id, '{rater}' FROM u`,
    [studyId],
  );
  return studyId;
}

/** SETS ready sets, four visits per subject spread over the run (uploads arrive over months). */
async function readySets(db, studyId, round) {
  const rows = await db.query(
    `WITH s AS (INSERT INTO subjects (study_id, code)
                SELECT $1, 'R' || $3 || '-' || g FROM generate_series(1, $2::int / 4 + 1) g
                RETURNING id, code)
     INSERT INTO photo_sets (study_id, subject_id, visit, status)
     SELECT $1, s.id, 'v' || g, 'ready' FROM generate_series(1, $2::int) g
       JOIN s ON s.code = 'R' || $3 || '-' || (1 + (g - 1) % ($2::int / 4 + 1))
     RETURNING id, substr(visit, 2)::int AS g`,
    [studyId, SETS, round],
  );
  await db.query('ANALYZE');
  // Queued in upload order (g), not in whatever order RETURNING gives: grouped by subject, the
  // jobs would wait on each other for the per-subject lock, which real uploads months apart don't.
  return rows.sort((a, b) => a.g - b.g).map((row) => row.id);
}

async function realRun(db, databaseUrl, studyId, processes, round) {
  const prefix = `salt-bench-assign-${process.pid}-${round}`;
  const storageDir = mkdtempSync(path.join(tmpdir(), 'salt-bench-assign-'));
  const queue = new Queue('assign', { connection, prefix });
  const workers = [];
  try {
    for (let i = 0; i < processes; i++) {
      workers.push(
        await startSaltWorker(
          { databaseUrl, queuePrefix: prefix, storageDir },
          async () => (await queue.getWorkersCount()) > i,
        ),
      );
    }
    const ids = await readySets(db, studyId, round);
    const started = Date.now();
    await queue.addBulk(
      ids.map((id) => ({
        name: 'assign',
        data: { photoSetId: id },
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: jobId('assign', id) },
      })),
    );
    await waitUntil(
      db,
      `SELECT count(*) = 0 AS done FROM photo_sets WHERE id = ANY($1) AND status <> 'reading'`,
      [ids],
    );
    const rate = (SETS / (Date.now() - started)) * 1000;
    // Every set: exactly two current tasks, two distinct raters, one read.assigned event each.
    const [check] = await db.query(
      `WITH t AS (SELECT photo_set_id, id, rater_id FROM read_tasks WHERE photo_set_id = ANY($1)),
            ev AS (SELECT entity_id, count(*) AS n FROM audit_events
                    WHERE action = 'read.assigned' AND entity_type = 'read-task' GROUP BY entity_id)
       SELECT count(*) AS bad FROM (
         SELECT count(*) AS n, count(DISTINCT t.rater_id) AS raters, sum(coalesce(ev.n, 0)) AS events
           FROM t LEFT JOIN ev ON ev.entity_id = t.id::text GROUP BY t.photo_set_id) x
        WHERE n <> 2 OR raters <> 2 OR events <> 2`,
      [ids],
    );
    if (Number(check.bad) !== 0) throw new Error(`${check.bad} sets not assigned exactly once`);
    return rate;
  } finally {
    for (const worker of workers) await worker.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    rmSync(storageDir, { recursive: true, force: true });
  }
}

async function main() {
  await withBenchDatabase('assign', async (db, databaseUrl) => {
    const floor = await floorRun(db, databaseUrl, `salt-bench-assign-floor-${process.pid}`);
    const studyId = await seedStudy(db);
    const one = await realRun(db, databaseUrl, studyId, 1, 1);
    const two = await realRun(db, databaseUrl, studyId, 2, 2);
    console.log(`floor (raw BullMQ, two inserts): ${floor.toFixed(0)} jobs/s`);
    console.log(
      `assign, 1 worker process: ${one.toFixed(0)} sets/s (ratio ${(one / floor).toFixed(2)})`,
    );
    console.log(
      `assign, 2 worker processes: ${two.toFixed(0)} sets/s (×${(two / one).toFixed(2)})`,
    );
    recordResult({
      figure: `Assignment within one study (${SETS} sets, 1 worker process)`,
      floorName: 'raw BullMQ worker, two-insert transaction',
      floor,
      value: one,
      unit: 'sets/s',
      ratio: one / floor,
      target: '≥ 0.5× floor',
      pass: one / floor >= 0.5,
    });
    recordResult({
      figure: `Assignment, 2 worker processes vs 1 (${SETS} sets each)`,
      floor: one,
      floorName: 'salt-reader with 1 worker process',
      value: two,
      unit: 'sets/s',
      ratio: two / one,
      target: 'report',
      pass: null,
    });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
