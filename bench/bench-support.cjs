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
 * Runs `work(dataSource, databaseUrl)` on a migrated throwaway database of its own (the benches never touch a developer's
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
    return await work(dataSource, url(name));
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const { spawn } = require('node:child_process');
const { generateKeyPairSync } = require('node:crypto');
const { appendFileSync, readFileSync } = require('node:fs');
const net = require('node:net');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** Appends one figure to the run's results file (BENCH_RESULTS), which run-all.cjs reports. */
function recordResult(result) {
  if (process.env.BENCH_RESULTS) {
    appendFileSync(process.env.BENCH_RESULTS, `${JSON.stringify(result)}\n`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

/**
 * Starts a node process (`args` after node) and waits until it is ready: it printed a line
 * `ready`, or `probe()` answers true. Its stderr is passed through, prefixed with `label`.
 */
async function startProcess(label, args, env, probe) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printedReady = false;
  let exited = null;
  child.stdout.on('data', (chunk) => {
    if (/^ready$/m.test(String(chunk))) printedReady = true;
  });
  child.stderr.on('data', (chunk) => process.stderr.write(`[${label}] ${chunk}`));
  child.on('exit', (code) => {
    exited = code;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) throw new Error(`${label} exited with ${exited} before it was ready`);
    if (printedReady || (probe && (await probe()))) break;
    if (Date.now() > deadline) throw new Error(`${label} not ready after 60 s`);
    await sleep(50);
  }
  return {
    pid: child.pid,
    child,
    /** VmHWM: the highest resident set size the process reached, in MB. */
    peakRssMb() {
      const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return line ? Number(line[1]) / 1024 : NaN;
    },
    async stop() {
      if (exited !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** One Ed25519 signing key per bench process, for the audit sealer's checkpoints. */
let signingKey;
function auditSigningKey() {
  signingKey ??= generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return signingKey;
}

/** The environment of a salt-reader process (dist/main.js) on a bench database. */
function saltEnv({ databaseUrl, queuePrefix, role, port, storageDir }) {
  return {
    AUDIT_SIGNING_KEY: auditSigningKey(),
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    SALT_ROLE: role,
    ...(port ? { PORT: String(port) } : {}),
    STORAGE_DIR: storageDir,
    SALT_MIGRATE: 'false',
    // Request logging off in both salt-reader and the floor: the bench measures the work.
    LOG_LEVEL: 'warn',
    COOKIE_SECURE: 'false',
    RECONCILE_EVERY_MS: '3600000',
    NODE_ENV: 'production',
  };
}

/** Starts dist/main.js as an api process and waits for its health route. */
async function startSaltApi(options) {
  const port = await freePort();
  const env = saltEnv({ ...options, role: 'api', port });
  const api = await startProcess('api', ['dist/main.js'], { ...env, ...options.extraEnv }, () =>
    httpOk(`http://127.0.0.1:${port}/api/v1/health`),
  );
  return { ...api, origin: `http://127.0.0.1:${port}` };
}

/** Starts dist/main.js as a worker process; ready once its workers are registered in Redis. */
async function startSaltWorker(options, isReady) {
  const env = saltEnv({ ...options, role: 'worker' });
  return startProcess('worker', ['dist/main.js'], { ...env, ...options.extraEnv }, isReady);
}

/** A database URL next to DATABASE_URL for the database `name`. */
function databaseUrlFor(name) {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  return Object.assign(base, { pathname: `/${name}` }).toString();
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

module.exports = {
  databaseUrlFor,
  freePort,
  percentile,
  recordResult,
  seedPairedReads,
  sleep,
  startProcess,
  startSaltApi,
  startSaltWorker,
  withBenchDatabase,
};
