require('reflect-metadata');
const { Client } = require('pg');
const { DataSource } = require('typeorm');
const { dataSourceOptions } = require('../dist/database/data-source-options');
const { runMigrations } = require('../dist/database/migrate');

/**
 * Shared by the benches: two submitted reads for every photo set already in the database, each
 * by one of the database's users chosen in rotation (ten raters), with a random one-decimal SALT.
 * Written straight in SQL so 100k sets seed in seconds; the code under test only reads them.
 */
async function seedPairedReads(db) {
  await db.query(`
    CREATE TEMP TABLE raters AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM users`);
  await db.query(`
    INSERT INTO read_tasks (photo_set_id, study_id, slot, rater_id, read_code, queue_key, status)
    SELECT ps.id, ps.study_id, slot.n, r.id, md5(ps.id::text || slot.n), random(), 'submitted'
      FROM (SELECT id, study_id, row_number() OVER () AS i FROM photo_sets) ps
      CROSS JOIN (VALUES (1), (2)) slot(n)
      JOIN raters r ON r.n = 1 + ((ps.i + slot.n * 3) % 10)`);
  await db.query(`
    INSERT INTO reads (read_task_id, photo_set_id, rater_id, version, score_top, score_back,
                       score_left, score_right, salt)
    SELECT id, photo_set_id, rater_id, 1, v, v, v, v, v
      FROM (SELECT rt.*, round((random() * 100)::numeric, 1) AS v FROM read_tasks rt) s`);
}

/**
 * Runs `work` on a migrated throwaway database of its own (the benches never touch a developer's
 * data) and drops it afterwards, whatever happens.
 */
async function withBenchDatabase(label, work) {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `salt_bench_${label}_${process.pid}`;
  const url = (db) => Object.assign(new URL(base), { pathname: `/${db}` }).toString();
  const admin = new Client({ connectionString: url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const dataSource = new DataSource(dataSourceOptions({ databaseUrl: url(name) }));
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    return await work(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

module.exports = { seedPairedReads, withBenchDatabase };
