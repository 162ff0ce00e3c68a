#!/usr/bin/env node
// Trial endpoints for 100,000 final sets: issue 11 asks for < 1 s.
// Usage: npm run build:server && node bench/endpoints.cjs [sets]
// Creates a throwaway database salt_bench_endpoints_<pid> next to DATABASE_URL, fills it with
// 10 visits per subject of final sets through SQL (reads, evaluation, final score, as the
// pipeline writes them), times what GET /studies/:id/endpoints does (its queries and the
// computation), then streams the ADSALT dataset once for its time and peak memory, and drops
// the database.
require('reflect-metadata');
const { recordResult, seedPairedReads, withBenchDatabase } = require('./bench-support.cjs');
const { EndpointsRepository } = require('../dist/results/endpoints.repository');
const { DatasetsRepository } = require('../dist/results/datasets.repository');
const { StudiesRepository } = require('../dist/studies/studies.repository');
const { endpoints } = require('../dist/results/endpoints');
const { adsaltRows, adsaltLine } = require('../dist/results/adsalt');
const { effectiveSchedule, withDefaults } = require('../dist/studies/study-settings');

const SETS = Number(process.argv[2] ?? 100_000);
const VISITS = 10;

async function main() {
  await withBenchDatabase('endpoints', async (dataSource) => {
    const fillStarted = Date.now();
    await fill(dataSource);
    console.log(`filled ${SETS} final sets in ${Date.now() - fillStarted} ms`);
    const [{ id: studyId }] = await dataSource.query(`SELECT id FROM studies LIMIT 1`);
    const values = new EndpointsRepository(dataSource);
    const studies = new StudiesRepository(dataSource);
    const timings = [];
    let report;
    for (let run = 0; run < 5; run++) {
      const started = process.hrtime.bigint();
      // What EndpointsService.forStudy runs: settings, labels in use, the values.
      const [settings, labels, rows] = await Promise.all([
        studies.settings(studyId),
        studies.visitsInUploadOrder(studyId),
        values.visitValues(studyId),
      ]);
      const queried = process.hrtime.bigint();
      const visits = withDefaults(settings).visits;
      report = endpoints(effectiveSchedule(visits, labels), rows);
      const done = process.hrtime.bigint();
      timings.push({
        query: Number(queried - started) / 1e6,
        compute: Number(done - queried) / 1e6,
        total: Number(done - started) / 1e6,
      });
    }
    timings.sort((a, b) => a.total - b.total);
    const median = timings[2];
    const n = report.visits.reduce((sum, visit) => sum + visit.salt.n, 0);
    console.log(
      `endpoints for ${n} final sets: median ${median.total.toFixed(0)} ms ` +
        `(queries ${median.query.toFixed(0)} ms, statistics ${median.compute.toFixed(0)} ms); ` +
        `best ${timings[0].total.toFixed(0)} ms, worst ${timings[4].total.toFixed(0)} ms`,
    );
    const last = report.visits[report.visits.length - 1];
    console.log(
      `${last.visit}: median SALT ${last.salt.median}, SALT50 ${last.rates[2].count}/${last.rates[2].n}`,
    );
    recordResult({
      figure: `/endpoints on ${n} final sets (queries + statistics, median of 5)`,
      value: median.total,
      unit: 'ms',
      target: '< 1000 ms',
      pass: median.total < 1000,
      note: `queries ${median.query.toFixed(0)} ms, statistics ${median.compute.toFixed(0)} ms; worst of 5 ${timings[4].total.toFixed(0)} ms`,
    });
    await streamAdsalt(dataSource, studyId, studies);
  });
}

/** The ADSALT export's loop (DatasetsService), writing to nowhere: time and peak heap. */
async function streamAdsalt(dataSource, studyId, studies) {
  const datasets = new DatasetsRepository(dataSource);
  const schedule = effectiveSchedule(
    withDefaults(await studies.settings(studyId)).visits,
    await studies.visitsInUploadOrder(studyId),
  );
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  let bytes = 0;
  let rows = 0;
  const started = Date.now();
  let after = '';
  for (;;) {
    const codes = await datasets.subjectPage(studyId, after, 1000);
    if (codes.length === 0) break;
    const last = codes[codes.length - 1];
    const sets = await datasets.subjectSets(studyId, after, last);
    const bySubject = new Map();
    for (const { subjectCode, ...set } of sets) {
      bySubject.set(subjectCode, [...(bySubject.get(subjectCode) ?? []), set]);
    }
    let chunk = '';
    for (const [code, subjectSets] of bySubject) {
      for (const row of adsaltRows('BENCH', code, schedule, subjectSets)) {
        chunk += adsaltLine(row);
        rows++;
      }
    }
    bytes += Buffer.byteLength(chunk);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    after = last;
  }
  console.log(
    `ADSALT: ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB streamed in ${Date.now() - started} ms; ` +
      `heap grew at most ${((peak - heapBefore) / 1e6).toFixed(0)} MB`,
  );
}

async function fill(db) {
  await db.query(`
    INSERT INTO users (email, name, password_hash, roles)
    SELECT 'rater' || g || '@bench.test', 'Rater ' || g, 'x', ARRAY['rater'] FROM generate_series(1, 10) g`);
  const visits = Array.from({ length: VISITS }, (_, v) => ({
    label: v === 0 ? 'baseline' : `month ${v * 3}`,
    plannedDay: v === 0 ? 1 : v * 91,
    baseline: v === 0,
  }));
  await db.query(`INSERT INTO studies (code, title, settings) VALUES ('BENCH', 'Bench', $1)`, [
    JSON.stringify({ visits }),
  ]);
  await db.query(`
    INSERT INTO subjects (study_id, code)
    SELECT s.id, 'S' || lpad(g::text, 6, '0') FROM studies s, generate_series(1, ${Math.ceil(SETS / VISITS)}) g`);
  await db.query(
    `INSERT INTO photo_sets (study_id, subject_id, visit, visit_date, status)
     SELECT sub.study_id, sub.id, ($1::text[])[v], DATE '2026-01-01' + (v - 1) * 91, 'final'
       FROM subjects sub, generate_series(1, ${VISITS}) v`,
    [visits.map((visit) => visit.label)],
  );
  await seedPairedReads(db);
  await db.query(`
    INSERT INTO pair_evaluations (photo_set_id, read_a_id, read_b_id, difference, rules_fired,
                                  rules, outcome)
    SELECT a.photo_set_id, a.id, b.id, abs(a.salt - b.salt), '{}', '{}'::jsonb, 'concordant'
      FROM reads a JOIN read_tasks ta ON ta.id = a.read_task_id AND ta.slot = 1
      JOIN reads b ON b.photo_set_id = a.photo_set_id
      JOIN read_tasks tb ON tb.id = b.read_task_id AND tb.slot = 2`);
  await db.query(`
    INSERT INTO final_scores (photo_set_id, version, salt, source, evaluation_id)
    SELECT e.photo_set_id, 1, round((a.salt + b.salt) / 2, 1), 'concordant-mean', e.id
      FROM pair_evaluations e JOIN reads a ON a.id = e.read_a_id JOIN reads b ON b.id = e.read_b_id`);
  await db.query(`ANALYZE`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
