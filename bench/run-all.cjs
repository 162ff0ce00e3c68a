#!/usr/bin/env node
// `npm run bench`: every bench in turn (each against its own floor, measured in the same run),
// then bench/REPORT.md with the machine, the date and one row per figure.
// Expects a fresh `npm run build:server` (the npm script does it first).
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync, writeFileSync, existsSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const Redis = require('ioredis');

const ROOT = path.join(__dirname, '..');
const RESULTS = path.join(os.tmpdir(), `salt-bench-results-${process.pid}.jsonl`);

const BENCHES = [
  {
    name: 'score submission, adjudication visibility, RSS, sealing',
    args: ['bench/submission.cjs'],
  },
  { name: 'assignment', args: ['bench/assign-throughput.cjs'] },
  { name: 'blinded images', args: ['bench/images.cjs'] },
  { name: 'agreement', args: ['bench/agreement.cjs'] },
  { name: 'endpoints', args: ['bench/endpoints.cjs'] },
  {
    name: 'audit verify',
    args: ['bench/audit-verify.cjs'],
    timeoutMs: 900_000,
  },
];

async function machine() {
  const db = new Client({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await db.connect();
  const [{ server_version: postgres }] = (await db.query('SHOW server_version')).rows;
  await db.end();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
  });
  await redis.connect();
  const info = await redis.info('server');
  redis.disconnect();
  return {
    cpu: os.cpus()[0].model.trim(),
    cores: os.cpus().length,
    ramGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    postgres,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? '?',
    kernel: `${os.type()} ${os.release()}`,
    commit: (() => {
      const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (head.status !== 0) return 'an unknown commit';
      return `commit ${head.stdout.trim()}${dirty.stdout.trim() ? ' (with uncommitted changes)' : ''}`;
    })(),
  };
}

const fmt = (value, unit) => {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
};

function report(info, results, runs, startedAt, seconds) {
  const lines = [
    '# salt-reader benchmark report',
    '',
    `Written by \`npm run bench\` (bench/run-all.cjs) on ${startedAt.toISOString()} at ${info.commit}; the whole run took ${Math.round(seconds)} s.`,
    '',
    '## Machine',
    '',
    `- CPU: ${info.cpu}, ${info.cores} cores; RAM ${info.ramGb} GB; ${info.kernel}`,
    `- Node ${info.node}, PostgreSQL ${info.postgres}, Redis ${info.redis}`,
    `- Load average (1 min) before/after each bench: ${runs.map((r) => `${r.name} ${r.loadBefore}/${r.loadAfter}`).join('; ')}`,
    '',
    'Floors and salt-reader run on the same machine in the same run, one after the other; the',
    'load generator (bench/http-load.cjs, node:http, keep-alive) shares the cores with the',
    'server, Postgres and Redis. salt-reader runs as built processes (dist/main.js, SALT_ROLE=api',
    'and separate worker processes), LOG_LEVEL=warn like the floors (no request logging), each',
    'bench on a throwaway database and queue prefix.',
    '',
    '## Figures',
    '',
    '| figure | floor | salt-reader | ratio | target | result |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const floor = r.floor === undefined ? '—' : `${fmt(r.floor, r.unit)} (${r.floorName})`;
    const ratio = r.ratio === undefined ? '—' : r.ratio.toFixed(2);
    const verdict = r.pass === null ? 'reported' : r.pass ? 'pass' : '**FAIL**';
    lines.push(
      `| ${r.figure} | ${floor} | ${fmt(r.value, r.unit)} | ${ratio} | ${r.target} | ${verdict} |`,
    );
  }
  const notes = results.filter((r) => r.note);
  if (notes.length) {
    lines.push('', '## Notes per figure', '');
    for (const r of notes) lines.push(`- **${r.figure}**: ${r.note}`);
  }
  const failed = runs.filter((r) => r.status !== 0);
  if (failed.length) {
    lines.push('', '## Benches that failed to run', '');
    for (const r of failed) lines.push(`- ${r.name}: exit ${r.status}; ${r.tail}`);
  }
  lines.push('');
  return lines.join('\n');
}

async function main() {
  const startedAt = new Date();
  const info = await machine();
  rmSync(RESULTS, { force: true });
  const runs = [];
  for (const bench of BENCHES) {
    console.log(`\n== ${bench.name}`);
    const loadBefore = os.loadavg()[0].toFixed(1);
    const result = spawnSync(process.execPath, bench.args, {
      cwd: ROOT,
      env: { ...process.env, BENCH_RESULTS: RESULTS },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      timeout: bench.timeoutMs ?? 300_000,
    });
    process.stdout.write(result.stdout ?? '');
    const tail = (result.stdout ?? '').trim().split('\n').slice(-1)[0] ?? '';
    runs.push({
      name: bench.name,
      status: result.status,
      tail: result.error ? String(result.error) : tail,
      loadBefore,
      loadAfter: os.loadavg()[0].toFixed(1),
    });
  }
  const results = existsSync(RESULTS)
    ? readFileSync(RESULTS, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
  rmSync(RESULTS, { force: true });
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  writeFileSync(path.join(__dirname, 'REPORT.md'), report(info, results, runs, startedAt, seconds));
  console.log(`\nwrote bench/REPORT.md (${results.length} figures, ${Math.round(seconds)} s)`);
  if (runs.some((r) => r.status !== 0)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
