import { RereadsService } from '../../src/reader-quality/rereads.service';
import { ApiClient, createStudy, Make, MadeUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  calibrationSet,
  charter,
  raterInStudy,
  readCalibration,
  seedFinalSets,
  tasksOfRater,
} from '../support/reader-quality-fixtures';

/** ICC(A,1) (McGraw & Wong; Shrout & Fleiss ICC(2,1)) of n × 2, written out from its sums. */
function iccAgreement(first: number[], second: number[]): number {
  const n = first.length;
  const k = 2;
  const all = [...first, ...second];
  const grand = all.reduce((s, x) => s + x, 0) / (n * k);
  const rowMean = first.map((f, i) => (f + second[i]) / 2);
  const colMean = [first, second].map((c) => c.reduce((s, x) => s + x, 0) / n);
  let ssr = 0;
  let ssc = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) ssr += k * (rowMean[i] - grand) ** 2;
  for (const m of colMean) ssc += n * (m - grand) ** 2;
  for (const x of all) sst += (x - grand) ** 2;
  const sse = sst - ssr - ssc;
  const msr = ssr / (n - 1);
  const msc = ssc / (k - 1);
  const mse = sse / ((n - 1) * (k - 1));
  return (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
}

describe('reader quality: intra-rater statistics, and nothing leaks into results', () => {
  let t: TestApp;
  let make: Make;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    admin = await make.admin();
  });
  afterAll(() => t.close());

  it('test–retest ICC and repeatability coefficient match an independent computation; results, endpoints and agreement are unchanged by calibration and re-read data', async () => {
    const study = await createStudy(
      admin,
      charter({ qualificationSetCount: 1, rereadShare: 1, washoutDays: 0, washoutReads: 0 }),
    );
    const a = await raterInStudy(make, admin, study.id);
    const b = await raterInStudy(make, admin, study.id);
    await seedFinalSets(
      t,
      study.id,
      [a.user.id, b.user.id],
      16,
      new Date(Date.now() - 3_600_000),
      (i) => [8 + 5 * i, 10 + 5 * i + (i % 3)],
    );
    const snapshot = async () => ({
      results: (await admin.get(`/studies/${study.id}/results`).expect(200)).body as unknown,
      endpoints: (await admin.get(`/studies/${study.id}/endpoints`).expect(200)).body as unknown,
      agreement: (await admin.get(`/studies/${study.id}/agreement`).expect(200)).body as unknown,
    });
    const before = await snapshot();

    // Calibration: a set with its reference, read by both raters (their qualification round).
    await calibrationSet(t, admin, study.id, 55);
    await readCalibration(t, a, 1);
    await readCalibration(t, b, -2);

    // Re-reads of every final set, scored with known offsets from the first read.
    await t.app.get(RereadsService, { strict: false }).scheduleDue(study.id);
    const offsets = [-3, 2, 0, 4, -1, 5, -2, 1, 3, -4, 0, 2, -5, 1, 6, -1];
    const expected = new Map<string, { first: number[]; second: number[] }>();
    for (const rater of [a, b] as MadeUser[]) {
      const tasks = (await tasksOfRater(t, rater.user.id)).filter((x) => x.kind === 'reread');
      const first: number[] = [];
      const second: number[] = [];
      for (const [index, task] of tasks.entries()) {
        const [{ salt }] = await t.db.query(
          `SELECT o.salt::float8 AS salt FROM rereads x JOIN reads o ON o.id = x.original_read_id
            WHERE x.read_task_id = $1`,
          [task.id],
        );
        const value = Math.max(0, Math.min(100, (salt as number) + offsets[index]));
        await rater.client
          .post(`/reads/${task.id}/score`, { top: value, back: value, left: value, right: value })
          .expect(201);
        first.push(salt as number);
        second.push(value);
      }
      expected.set(rater.user.id, { first, second });
    }

    const overview = await admin.get(`/studies/${study.id}/reader-quality`).expect(200);
    for (const rater of overview.body.raters as {
      raterId: string;
      rereads: {
        pairs: unknown[];
        icc: { value: number } | null;
        repeatability: { coefficient: number; withinSubjectSd: number } | null;
      };
    }[]) {
      const { first, second } = expected.get(rater.raterId)!;
      expect(rater.rereads.pairs).toHaveLength(first.length);
      if (first.length < 2) continue;
      const sumSquares = first.reduce((s, f, i) => s + (second[i] - f) ** 2, 0);
      const sw = Math.sqrt(sumSquares / (2 * first.length));
      expect(rater.rereads.repeatability!.withinSubjectSd).toBeCloseTo(sw, 4);
      expect(rater.rereads.repeatability!.coefficient).toBeCloseTo(2.77 * sw, 4);
      expect(rater.rereads.icc!.value).toBeCloseTo(iccAgreement(first, second), 4);
    }
    const totalPairs = (overview.body.raters as { rereads: { pairs: unknown[] } }[]).reduce(
      (s, r) => s + r.rereads.pairs.length,
      0,
    );
    expect(totalPairs).toBe(16);

    expect(await snapshot()).toEqual(before);
  });
});
