#!/usr/bin/env node
// Agreement statistics for 100,000 evaluated pairs: DESIGN §6 asks for < 1 s.
// Usage: npm run build:server && node bench/agreement.cjs [pairs]
// Creates a throwaway database salt_bench_agreement_<pid> next to DATABASE_URL, fills it with
// synthetic pairs through SQL, times the real repository query + report, then drops it.
require('reflect-metadata');
const { recordResult, seedPairedReads, withBenchDatabase } = require('./bench-support.cjs');
const { AgreementRepository } = require('../dist/agreement/agreement.repository');
const { agreementReport } = require('../dist/agreement/agreement-report');
const { AA_IGA } = require('../dist/scoring/severity');

const PAIRS = Number(process.argv[2] ?? 100_000);

async function main() {
  await withBenchDatabase('agreement', async (dataSource) => {
    const fillStarted = Date.now();
    await fill(dataSource);
    console.log(`filled ${PAIRS} pairs in ${Date.now() - fillStarted} ms`);
    const [{ id: studyId }] = await dataSource.query(`SELECT id FROM studies LIMIT 1`);
    const repository = new AgreementRepository(dataSource);
    const timings = [];
    let report;
    for (let run = 0; run < 5; run++) {
      const started = process.hrtime.bigint();
      const pairs = await repository.evaluatedPairs(studyId);
      const queried = process.hrtime.bigint();
      report = agreementReport(pairs, AA_IGA);
      const done = process.hrtime.bigint();
      timings.push({
        query: Number(queried - started) / 1e6,
        compute: Number(done - queried) / 1e6,
        total: Number(done - started) / 1e6,
      });
    }
    timings.sort((a, b) => a.total - b.total);
    const median = timings[2];
    console.log(
      `agreement for ${report.pairs} pairs: median ${median.total.toFixed(0)} ms ` +
        `(query ${median.query.toFixed(0)} ms, statistics ${median.compute.toFixed(0)} ms); ` +
        `best ${timings[0].total.toFixed(0)} ms, worst ${timings[4].total.toFixed(0)} ms`,
    );
    console.log(`ICC(1,1) = ${report.icc11.value.toFixed(3)}, raters = ${report.raters.length}`);
    recordResult({
      figure: `/agreement on ${report.pairs} final sets (query + statistics, median of 5)`,
      value: median.total,
      unit: 'ms',
      target: '< 1000 ms',
      pass: median.total < 1000,
      note: `query ${median.query.toFixed(0)} ms, statistics ${median.compute.toFixed(0)} ms; worst of 5 ${timings[4].total.toFixed(0)} ms`,
    });
  });
}

async function fill(db) {
  await db.query(`
    INSERT INTO users (email, name, password_hash, roles)
    SELECT 'rater' || g || '@bench.test', 'Rater ' || g, 'x', ARRAY['rater'] FROM generate_series(1, 10) g`);
  await db.query(
    `INSERT INTO studies (code, title, settings) VALUES ('BENCH', 'Bench', '{}'::jsonb)`,
  );
  await db.query(`
    INSERT INTO subjects (study_id, code)
    SELECT s.id, 'S' || g FROM studies s, generate_series(1, ${Math.ceil(PAIRS / 10)}) g`);
  await db.query(`
    INSERT INTO photo_sets (study_id, subject_id, visit, status)
    SELECT sub.study_id, sub.id, 'V' || v, 'final'
      FROM subjects sub, generate_series(1, 10) v`);
  await seedPairedReads(db);
  await db.query(`
    INSERT INTO pair_evaluations (photo_set_id, read_a_id, read_b_id, difference, rules_fired,
                                  rules, outcome)
    SELECT a.photo_set_id, a.id, b.id, abs(a.salt - b.salt), '{}', '{}'::jsonb,
           CASE WHEN abs(a.salt - b.salt) > 10 THEN 'discordant' ELSE 'concordant' END
      FROM reads a JOIN read_tasks ta ON ta.id = a.read_task_id AND ta.slot = 1
      JOIN reads b ON b.photo_set_id = a.photo_set_id
      JOIN read_tasks tb ON tb.id = b.read_task_id AND tb.slot = 2`);
  await db.query(`ANALYZE`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
