import { chiSquareQuantile } from '../agreement/distributions';
import { intraRaterStats, repeatability } from './intra-rater-stats';

describe('chi-square quantiles', () => {
  it('match published tables', () => {
    // Abramowitz & Stegun table 26.8 / R qchisq.
    expect(chiSquareQuantile(0.975, 10)).toBeCloseTo(20.4832, 4);
    expect(chiSquareQuantile(0.025, 10)).toBeCloseTo(3.24697, 4);
    expect(chiSquareQuantile(0.975, 1)).toBeCloseTo(5.02389, 4);
    expect(chiSquareQuantile(0.025, 30)).toBeCloseTo(16.7908, 4);
    expect(chiSquareQuantile(0.975, 100)).toBeCloseTo(129.5612, 3);
  });
});

describe('repeatability', () => {
  it('is 2.77 × the within-subject SD of duplicates, with a χ² interval', () => {
    const pairs = [
      { first: 10, second: 12 },
      { first: 30, second: 27 },
      { first: 50, second: 50 },
      { first: 70, second: 74 },
    ];
    // Σd² = 4 + 9 + 0 + 16 = 29, s_w = √(29/8).
    const sw = Math.sqrt(29 / 8);
    const result = repeatability(pairs)!;
    expect(result.withinSubjectSd).toBeCloseTo(sw, 12);
    expect(result.coefficient).toBeCloseTo(2.77 * sw, 12);
    expect(result.meanDifference).toBeCloseTo(0.75, 12);
    expect(result.ci95.lower).toBeCloseTo(2.77 * sw * Math.sqrt(4 / 11.1433), 3);
    expect(result.ci95.upper).toBeCloseTo(2.77 * sw * Math.sqrt(4 / 0.484419), 3);
    expect(repeatability([{ first: 1, second: 2 }])).toBeNull();
  });
});

describe('intraRaterStats', () => {
  it('gives ICC(A,1) over the two occasions, as the Shrout & Fleiss ICC(2,1)', () => {
    // Two judges of pingouin's wine data as the two occasions; the expected value is the McGraw
    // & Wong formula computed here from its own sums of squares.
    const first = [1, 1, 3, 6, 6, 7, 8, 9];
    const second = [2, 3, 8, 4, 5, 5, 7, 9];
    const n = first.length;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const grand = mean([...first, ...second]);
    const rowMeans = first.map((f, i) => (f + second[i]) / 2);
    const colMeans = [mean(first), mean(second)];
    const msr = (2 * rowMeans.reduce((s, m) => s + (m - grand) ** 2, 0)) / (n - 1);
    const msc = n * colMeans.reduce((s, m) => s + (m - grand) ** 2, 0);
    let sse = 0;
    for (let i = 0; i < n; i++) {
      for (const [j, x] of [first[i], second[i]].entries()) {
        sse += (x - rowMeans[i] - colMeans[j] + grand) ** 2;
      }
    }
    const mse = sse / (n - 1);
    const expected = (msr - mse) / (msr + mse + (2 * (msc - mse)) / n);
    const stats = intraRaterStats(first.map((f, i) => ({ first: f, second: second[i] })));
    expect(stats.icc!.value).toBeCloseTo(expected, 10);
    expect(stats.icc!.ci95.lower).toBeLessThan(stats.icc!.value);
    expect(stats.icc!.ci95.upper).toBeGreaterThan(stats.icc!.value);
    expect(stats.n).toBe(8);
  });

  it('gives no ICC when every read is the same, and nothing from fewer than two pairs', () => {
    expect(
      intraRaterStats([
        { first: 5, second: 5 },
        { first: 5, second: 5 },
      ]).icc,
    ).toBeNull();
    expect(intraRaterStats([{ first: 5, second: 6 }])).toEqual({
      n: 1,
      icc: null,
      repeatability: null,
    });
  });
});
