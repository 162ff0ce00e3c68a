import { fQuantile, nctQuantile, tQuantile } from './distributions';

/**
 * Agreement statistics for double reads (DESIGN §2). Pure functions over numbers; the service
 * feeds them pairs from the database.
 */

export interface Interval {
  lower: number;
  upper: number;
}

export interface IccResult {
  value: number;
  ci95: Interval;
  n: number;
  k: number;
}

export interface Icc21Result extends IccResult {
  /**
   * Satterthwaite's degrees of freedom behind the interval. Near 0 (a strongly negative ICC)
   * the McGraw & Wong interval can exclude the estimate.
   */
  ciDf: number;
}

interface MeanSquares {
  n: number;
  k: number;
  msr: number;
  msc: number;
  mse: number;
  msw: number;
}

/** Scores of n targets by k raters, one column per rater: columns[j][i] is rater j's score of i. */
export type RaterColumns = readonly ArrayLike<number>[];

/** The columns of an n targets × k raters table given one row per target. */
export function raterColumns(rows: readonly (readonly number[])[]): RaterColumns {
  const k = rows[0]?.length ?? 0;
  const columns = Array.from({ length: k }, () => new Float64Array(rows.length));
  rows.forEach((row, i) => {
    if (row.length !== k) throw new RangeError('every target needs one score per rater');
    for (let j = 0; j < k; j++) columns[j][i] = row[j];
  });
  return columns;
}

/**
 * Two-way ANOVA mean squares of an n targets × k raters table (no missing cells). Every sum of
 * squares is summed from its own deviations, never found as a difference of totals: subtracting
 * totals leaves rounding noise (even slightly negative) where the true value is 0, and an ICC of
 * 1.0000000000000069 or a NaN interval with it. Sums no larger than rounding alone could produce
 * are exactly 0, so "no error variance" is a case the ICCs can see and handle.
 */
export function meanSquares(columns: RaterColumns): MeanSquares {
  const k = columns.length;
  const n = columns[0]?.length ?? 0;
  if (n < 2 || k < 2) throw new RangeError('need at least 2 targets and 2 raters');
  if (columns.some((column) => column.length !== n)) {
    throw new RangeError('every target needs one score per rater');
  }
  let grand = 0;
  let largest = 0;
  const rowMeans = new Float64Array(n);
  const colMeans = new Float64Array(k);
  // Target by target, as the sums always ran: the same data gives the same last digits.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const score = columns[j][i];
      rowMeans[i] += score;
      colMeans[j] += score;
      grand += score;
      largest = Math.max(largest, Math.abs(score));
    }
  }
  grand /= n * k;
  for (let i = 0; i < n; i++) rowMeans[i] /= k;
  for (let j = 0; j < k; j++) colMeans[j] /= n;
  let ssr = 0;
  let ssc = 0;
  let sse = 0;
  let ssw = 0;
  for (let i = 0; i < n; i++) {
    ssr += (rowMeans[i] - grand) ** 2;
    for (let j = 0; j < k; j++) {
      const within = columns[j][i] - rowMeans[i];
      ssw += within ** 2;
      sse += (within - colMeans[j] + grand) ** 2;
    }
  }
  for (let j = 0; j < k; j++) ssc += (colMeans[j] - grand) ** 2;
  ssr *= k;
  ssc *= n;
  // Each deviation carries at most a few ulps of the largest score when its true value is 0.
  const roundingOnly = n * k * (16 * Number.EPSILON * largest) ** 2;
  const exact = (ss: number) => (ss <= roundingOnly ? 0 : ss);
  return {
    n,
    k,
    msr: exact(ssr) / (n - 1),
    msc: exact(ssc) / (k - 1),
    mse: exact(sse) / ((n - 1) * (k - 1)),
    msw: exact(ssw) / (n * (k - 1)),
  };
}

function requireVariance(ms: MeanSquares): void {
  if (ms.msr === 0 && ms.msc === 0 && ms.mse === 0) {
    throw new RangeError('an ICC is not defined when every read has the same score');
  }
}

/**
 * ICC(1,1), one-way random, single rater (Shrout & Fleiss case 1): the right coefficient when
 * each set is read by a different pair drawn from a rotating pool.
 */
export function icc11(rows: readonly (readonly number[])[]): IccResult {
  return icc11OfColumns(raterColumns(rows));
}

/** ICC(1,1) of a table given by rater columns (see icc11). */
export function icc11OfColumns(columns: RaterColumns): IccResult {
  const ms = meanSquares(columns);
  requireVariance(ms);
  const { n, k, msr, msw } = ms;
  if (msw === 0) {
    // Every set's reads agree exactly: ICC 1, and the F interval's limit as F → ∞ is [1, 1].
    return { value: 1, ci95: { lower: 1, upper: 1 }, n, k };
  }
  const value = (msr - msw) / (msr + (k - 1) * msw);
  const f = msr / msw;
  const fl = f / fQuantile(0.975, n - 1, n * (k - 1));
  const fu = f * fQuantile(0.975, n * (k - 1), n - 1);
  return {
    value,
    ci95: { lower: (fl - 1) / (fl + k - 1), upper: (fu - 1) / (fu + k - 1) },
    n,
    k,
  };
}

/**
 * ICC(2,1), two-way random, absolute agreement, single rater (McGraw & Wong ICC(A,1)), with the
 * McGraw & Wong 95% interval as R's irr::icc and psych::ICC compute it. It applies within a fixed
 * rater pair, which per-subject pairing produces.
 */
export function icc21(rows: readonly (readonly number[])[]): Icc21Result {
  return icc21OfColumns(raterColumns(rows));
}

/** ICC(2,1) of a table given by rater columns (see icc21). */
export function icc21OfColumns(scores: RaterColumns): Icc21Result {
  const ms = meanSquares(scores);
  requireVariance(ms);
  const { n, k, msr, msc, mse } = ms;
  if (mse === 0 && msc === 0) {
    // Both raters gave every set the same score: ICC 1 and, whatever the df, the interval [1, 1].
    return { value: 1, ci95: { lower: 1, upper: 1 }, n, k, ciDf: k - 1 };
  }
  const value = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  // With no error variance (raters equal or a constant offset apart) F_j = MSC/MSE is infinite
  // and Satterthwaite's df tends to k − 1; take that limit instead of ∞/∞.
  let v = k - 1;
  if (mse > 0) {
    const fj = msc / mse;
    const vn = (k - 1) * (n - 1) * (k * value * fj + n * (1 + (k - 1) * value) - k * value) ** 2;
    const vd =
      (n - 1) * k ** 2 * value ** 2 * fj ** 2 + (n * (1 + (k - 1) * value) - k * value) ** 2;
    v = vn / vd;
  }
  const f3u = fQuantile(0.975, n - 1, v);
  const f3l = fQuantile(0.975, v, n - 1);
  const columns = k * msc + (k * n - k - n) * mse;
  // The lower bound divided through by f3u, which is infinite when v is close to 0.
  const lower = (n * (msr / f3u - mse)) / (columns + (n * msr) / f3u);
  const upper = (n * (f3l * msr - mse)) / (columns + n * f3l * msr);
  return { value, ci95: { lower, upper }, n, k, ciDf: v };
}

/** ICC(3,1), two-way mixed, consistency; reported for comparison with published tables. */
export function icc31(rows: readonly (readonly number[])[]): number {
  const { k, msr, mse } = meanSquares(raterColumns(rows));
  return (msr - mse) / (msr + (k - 1) * mse);
}

export interface BlandAltman {
  n: number;
  bias: number;
  sd: number;
  biasCi95: Interval;
  lowerLimit: number;
  upperLimit: number;
  lowerLimitCi95: Interval;
  upperLimitCi95: Interval;
}

/** Bland–Altman of paired reads, differences a − b; see blandAltmanOfDifferences. */
export function blandAltman(a: ArrayLike<number>, b: ArrayLike<number>): BlandAltman {
  if (b.length !== a.length) throw new RangeError('need paired reads');
  return blandAltmanOfDifferences(Array.from(a, (x, i) => x - b[i]));
}

/**
 * Bias = mean difference and limits of agreement bias ± 1.96·SD (Bland & Altman 1986), with
 * exact 95% intervals. A limit μ ± 1.96σ is a quantile of the differences, and
 * √n·(d̄ − (μ + 1.96σ))/s follows a non-central t(n − 1, −1.96·√n), so its interval is
 * d̄ + s·t′/√n with t′ the 2.5% and 97.5% quantiles of t(n − 1, 1.96·√n) (Carkeet 2015,
 * Shieh 2018). Bland & Altman's 1999 approximation, limit ± t·√(3s²/n), is far too narrow at
 * small n.
 */
export function blandAltmanOfDifferences(differences: ArrayLike<number>): BlandAltman {
  const n = differences.length;
  if (n < 2) throw new RangeError('need at least 2 paired reads');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += differences[i];
  const bias = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (differences[i] - bias) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  const biasHalfWidth = (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  const lowerLimit = bias - 1.96 * sd;
  const upperLimit = bias + 1.96 * sd;
  const delta = 1.96 * Math.sqrt(n);
  const near = (nctQuantile(0.025, n - 1, delta) * sd) / Math.sqrt(n);
  const far = (nctQuantile(0.975, n - 1, delta) * sd) / Math.sqrt(n);
  return {
    n,
    bias,
    sd,
    biasCi95: { lower: bias - biasHalfWidth, upper: bias + biasHalfWidth },
    lowerLimit,
    upperLimit,
    lowerLimitCi95: { lower: bias - far, upper: bias - near },
    upperLimitCi95: { lower: bias + near, upper: bias + far },
  };
}

export type KappaWeights = 'linear' | 'quadratic';

/**
 * Weighted kappa κ = (pₒ − pₑ)/(1 − pₑ) over a fixed category set: categories come from
 * configuration, so a category nobody used still counts in the weights. Written with
 * disagreement weights v = |i − j| (linear) or (i − j)² (quadratic) and whole counts,
 * κ = 1 − n·Σ v·nᵢⱼ / Σ v·rowᵢ·colⱼ: every sum is an exact integer, so 1 − pₑ is exactly 0 when
 * every read falls in one category, and kappa is then not defined (null).
 */
export function weightedKappa(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  categoryCount: number,
  weights: KappaWeights,
): number | null {
  const n = a.length;
  if (n === 0 || b.length !== n) throw new RangeError('need paired category indexes');
  const K = categoryCount;
  const observed = new Float64Array(K * K);
  const rowTotals = new Float64Array(K);
  const colTotals = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    observed[a[i] * K + b[i]]++;
    rowTotals[a[i]]++;
    colTotals[b[i]]++;
  }
  let observedDisagreement = 0;
  let chanceDisagreement = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const v = weights === 'linear' ? Math.abs(i - j) : (i - j) ** 2;
      observedDisagreement += v * observed[i * K + j];
      chanceDisagreement += v * rowTotals[i] * colTotals[j];
    }
  }
  return chanceDisagreement === 0 ? null : 1 - (n * observedDisagreement) / chanceDisagreement;
}
