import { blandAltman, icc11, icc21, icc31, weightedKappa } from './agreement-stats';
import { fQuantile, tQuantile } from './distributions';

const round2 = (x: number) => Math.round(x * 100) / 100;

// Shrout & Fleiss (1979), 6 targets × 4 judges.
const shroutFleiss = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

// pingouin's wine data: judges A–D as columns.
const judges = {
  A: [1, 1, 3, 6, 6, 7, 8, 9],
  B: [2, 3, 8, 4, 5, 5, 7, 9],
  C: [0, 3, 1, 3, 5, 6, 7, 9],
  D: [1, 2, 4, 3, 6, 2, 9, 8],
};
const wine = judges.A.map((_, i) => [judges.A[i], judges.B[i], judges.C[i], judges.D[i]]);

describe('distributions', () => {
  it('match published quantiles', () => {
    expect(fQuantile(0.975, 5, 18)).toBeCloseTo(3.382, 3);
    expect(fQuantile(0.975, 20, 5)).toBeCloseTo(6.3286, 3);
    expect(fQuantile(0.975, 15, 5)).toBeCloseTo(6.4277, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.2281, 4);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.9623, 3);
  });
});

describe('ICC', () => {
  it('reproduces Shrout & Fleiss', () => {
    const two = icc21(shroutFleiss);
    expect(round2(two.value)).toBe(0.29);
    expect(round2(two.ci95.lower)).toBe(0.02);
    expect(round2(two.ci95.upper)).toBe(0.76);
    expect(round2(icc31(shroutFleiss))).toBe(0.71);
    const one = icc11(shroutFleiss);
    expect(round2(one.value)).toBe(0.17);
    expect(round2(one.ci95.lower)).toBe(-0.13);
    expect(round2(one.ci95.upper)).toBe(0.72);
  });

  it("reproduces pingouin's wine ICC2", () => {
    const result = icc21(wine);
    expect(Math.round(result.value * 1000) / 1000).toBe(0.728);
    expect(round2(result.ci95.lower)).toBe(0.43);
    expect(round2(result.ci95.upper)).toBe(0.93);
  });

  it('is 1 for identical reads', () => {
    const rows = [
      [10, 10],
      [40, 40],
      [75, 75],
    ];
    expect(icc21(rows).value).toBeCloseTo(1, 10);
    expect(icc11(rows).value).toBeCloseTo(1, 10);
  });

  // A small deterministic generator, so a failure names its dataset.
  function* datasets(count: number) {
    let seed = 20261201;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < count; i++) {
      const n = 5 + Math.floor(next() * 60);
      // SALT in whole tenths, as raters record it.
      yield Array.from({ length: n }, () => Math.round(next() * 1000) / 10);
    }
  }

  it('is exactly 1 with the degenerate interval [1, 1] when every pair agrees exactly', () => {
    for (const scores of datasets(200)) {
      const rows = scores.map((salt) => [salt, salt]);
      for (const result of [icc11(rows), icc21(rows)]) {
        expect(result.value).toBe(1);
        expect(result.ci95).toEqual({ lower: 1, upper: 1 });
      }
    }
  });

  it('keeps a constant rater offset below 1, with an interval that holds the estimate', () => {
    // Rater 2 always reads 2 points more: no error variance, but absolute agreement is not
    // perfect. The interval is the limit of McGraw & Wong's as the error variance goes to 0
    // (Satterthwaite df → k − 1); a table with a tiny error is a check computed another way.
    for (const scores of datasets(50)) {
      const rows = scores.map((salt) => [salt, salt + 2]);
      const result = icc21(rows);
      expect(result.value).toBeLessThan(1);
      expect(result.ci95.lower).toBeLessThanOrEqual(result.value);
      expect(result.ci95.upper).toBeGreaterThanOrEqual(result.value);
      const nearly = icc21(rows.map(([x, y], i) => (i === 0 ? [x, y + 1e-5] : [x, y])));
      expect(result.ci95.lower).toBeCloseTo(nearly.ci95.lower, 4);
      expect(result.ci95.upper).toBeCloseTo(nearly.ci95.upper, 4);
    }
  });

  it('is not defined when every read has the same score', () => {
    const rows = [
      [60, 60],
      [60, 60],
      [60, 60],
    ];
    expect(() => icc11(rows)).toThrow(RangeError);
    expect(() => icc21(rows)).toThrow(RangeError);
  });

  it('reports the Satterthwaite df of the ICC(2,1) interval', () => {
    // Raters who contradict each other: ICC(2,1) strongly negative, df close to 0, and the
    // McGraw & Wong interval no longer holds the estimate.
    const result = icc21([
      [98, 0],
      [0, 91],
      [89, 4],
      [57, 34],
      [34, 57],
    ]);
    // Checked against the same formulas in scipy: ICC −1.40206, v = 0.000429, and an interval
    // collapsed onto −1.40714, which does not hold the estimate.
    expect(result.value).toBeCloseTo(-1.40206, 4);
    expect(result.ciDf).toBeCloseTo(0.000429, 5);
    expect(Number.isFinite(result.ci95.lower) && Number.isFinite(result.ci95.upper)).toBe(true);
    expect(result.ci95.upper).toBeLessThan(result.value);
  });

  it('refuses tables it cannot use', () => {
    expect(() => icc21([[1, 2]])).toThrow(RangeError);
    expect(() => icc11([[1, 2], [3]])).toThrow(RangeError);
  });
});

describe('Bland–Altman', () => {
  it('computes bias, limits and the bias interval', () => {
    const a = [10, 20, 30, 40, 50];
    const b = [12, 19, 33, 41, 50];
    const result = blandAltman(a, b);
    // differences: -2, 1, -3, -1, 0 → mean -1, SD √2.5
    expect(result.bias).toBeCloseTo(-1, 10);
    expect(result.sd).toBeCloseTo(Math.sqrt(2.5), 10);
    expect(result.lowerLimit).toBeCloseTo(-1 - 1.96 * Math.sqrt(2.5), 10);
    expect(result.upperLimit).toBeCloseTo(-1 + 1.96 * Math.sqrt(2.5), 10);
    const t = tQuantile(0.975, 4);
    expect(result.biasCi95.upper - result.bias).toBeCloseTo(t * Math.sqrt(2.5 / 5), 10);
  });

  it("gives the issue's exact limit intervals at n = 5, not the 1999 approximation", () => {
    // Differences 0.7, 3.6, 7.8, 8.1, 13.3 (mean 6.7, SD 4.8047) reproduce both figures quoted
    // in issue 11: the approximation's upper-limit CI [5.78, 26.45] and the exact [11.14, 35.41].
    // Exact: limit = mean ± 1.96·SD, CI = mean ± SD·t′/√n with t′ the 2.5% and 97.5% quantiles
    // of the non-central t(n − 1, 1.96·√n) (Carkeet 2015; Shieh 2018), checked with scipy
    // stats.nct.ppf: upper [11.1356, 35.4081], lower [−22.0081, 2.2644].
    const b = [40, 50, 60, 70, 80];
    const a = [40.7, 53.6, 67.8, 78.1, 93.3];
    const result = blandAltman(a, b);
    expect(round2(result.bias)).toBe(6.7);
    expect(result.upperLimitCi95.lower).toBeCloseTo(11.1356, 3);
    expect(result.upperLimitCi95.upper).toBeCloseTo(35.4081, 3);
    expect(result.lowerLimitCi95.lower).toBeCloseTo(-22.0081, 3);
    expect(result.lowerLimitCi95.upper).toBeCloseTo(2.2644, 3);
    expect([round2(result.upperLimitCi95.lower), round2(result.upperLimitCi95.upper)]).toEqual([
      11.14, 35.41,
    ]);
  });

  it('gives degenerate, finite intervals when every difference is the same', () => {
    const result = blandAltman([12, 22, 32], [10, 20, 30]);
    expect(result).toMatchObject({ bias: 2, sd: 0, lowerLimit: 2, upperLimit: 2 });
    for (const ci of [result.biasCi95, result.lowerLimitCi95, result.upperLimitCi95]) {
      expect(ci).toEqual({ lower: 2, upper: 2 });
    }
  });
});

describe('weighted kappa', () => {
  it('is 1 for perfect agreement and 0 for chance-level agreement', () => {
    expect(weightedKappa([0, 1, 2, 3], [0, 1, 2, 3], 5, 'linear')).toBeCloseTo(1, 10);
    expect(weightedKappa([0, 0, 1, 1], [0, 1, 0, 1], 2, 'quadratic')).toBeCloseTo(0, 10);
  });

  it('is not defined when every read falls in one category, whatever the number of reads', () => {
    // Chance agreement pₑ is then exactly 1. Counting in whole numbers, not sums of 1/n, makes
    // that exact for every n.
    for (let n = 1; n <= 60; n++) {
      const severe = Array.from({ length: n }, () => 4);
      expect(weightedKappa(severe, severe, 5, 'linear')).toBeNull();
      expect(weightedKappa(severe, severe, 5, 'quadratic')).toBeNull();
    }
  });

  it('matches a hand-computed quadratic kappa over fixed categories', () => {
    // 3 categories, one unused by both raters; pairs (0,0) (0,1) (1,1) (1,1)
    // po = (1 + 0.75 + 1 + 1)/4 = 0.9375; row = [.5,.5,0], col = [.25,.75,0]
    // pe = .5·.25·1 + .5·.75·.75 + .5·.25·.75 + .5·.75·1 = 0.125+0.28125+0.09375+0.375 = 0.875
    expect(weightedKappa([0, 0, 1, 1], [0, 1, 1, 1], 3, 'quadratic')).toBeCloseTo(0.5, 10);
  });
});
