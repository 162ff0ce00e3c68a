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

  it('refuses tables it cannot use', () => {
    expect(() => icc21([[1, 2]])).toThrow(RangeError);
    expect(() => icc11([[1, 2], [3]])).toThrow(RangeError);
  });
});

describe('Bland–Altman', () => {
  it('computes bias, limits and their intervals', () => {
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
    expect(result.upperLimitCi95.upper - result.upperLimit).toBeCloseTo(
      t * Math.sqrt((3 * 2.5) / 5),
      10,
    );
  });
});

describe('weighted kappa', () => {
  it('is 1 for perfect agreement and 0 for chance-level agreement', () => {
    expect(weightedKappa([0, 1, 2, 3], [0, 1, 2, 3], 5, 'linear')).toBeCloseTo(1, 10);
    expect(weightedKappa([0, 0, 1, 1], [0, 1, 0, 1], 2, 'quadratic')).toBeCloseTo(0, 10);
  });

  it('matches a hand-computed quadratic kappa over fixed categories', () => {
    // 3 categories, one unused by both raters; pairs (0,0) (0,1) (1,1) (1,1)
    // po = (1 + 0.75 + 1 + 1)/4 = 0.9375; row = [.5,.5,0], col = [.25,.75,0]
    // pe = .5·.25·1 + .5·.75·.75 + .5·.25·.75 + .5·.75·1 = 0.125+0.28125+0.09375+0.375 = 0.875
    expect(weightedKappa([0, 0, 1, 1], [0, 1, 1, 1], 3, 'quadratic')).toBeCloseTo(0.5, 10);
  });
});
