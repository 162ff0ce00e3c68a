import { fQuantile, tQuantile } from './distributions';

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

interface MeanSquares {
  n: number;
  k: number;
  msr: number;
  msc: number;
  mse: number;
  msw: number;
}

/** Two-way ANOVA mean squares of an n targets × k raters table (no missing cells). */
export function meanSquares(rows: readonly (readonly number[])[]): MeanSquares {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  if (n < 2 || k < 2) throw new RangeError('need at least 2 targets and 2 raters');
  let grand = 0;
  const rowMeans = new Float64Array(n);
  const colMeans = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row.length !== k) throw new RangeError('every target needs one score per rater');
    for (let j = 0; j < k; j++) {
      rowMeans[i] += row[j];
      colMeans[j] += row[j];
      grand += row[j];
    }
  }
  grand /= n * k;
  let ssr = 0;
  let ssc = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    rowMeans[i] /= k;
    ssr += (rowMeans[i] - grand) ** 2;
    for (let j = 0; j < k; j++) sst += (rows[i][j] - grand) ** 2;
  }
  for (let j = 0; j < k; j++) {
    colMeans[j] /= n;
    ssc += (colMeans[j] - grand) ** 2;
  }
  ssr *= k;
  ssc *= n;
  const sse = sst - ssr - ssc;
  return {
    n,
    k,
    msr: ssr / (n - 1),
    msc: ssc / (k - 1),
    mse: sse / ((n - 1) * (k - 1)),
    msw: (sst - ssr) / (n * (k - 1)),
  };
}

/**
 * ICC(1,1), one-way random, single rater (Shrout & Fleiss case 1): the right coefficient when
 * each set is read by a different pair drawn from a rotating pool.
 */
export function icc11(rows: readonly (readonly number[])[]): IccResult {
  const { n, k, msr, msw } = meanSquares(rows);
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
export function icc21(rows: readonly (readonly number[])[]): IccResult {
  const { n, k, msr, msc, mse } = meanSquares(rows);
  const value = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  const fj = msc / mse;
  const vn = (k - 1) * (n - 1) * (k * value * fj + n * (1 + (k - 1) * value) - k * value) ** 2;
  const vd = (n - 1) * k ** 2 * value ** 2 * fj ** 2 + (n * (1 + (k - 1) * value) - k * value) ** 2;
  const v = vn / vd;
  const f3u = fQuantile(0.975, n - 1, v);
  const f3l = fQuantile(0.975, v, n - 1);
  const lower = (n * (msr - f3u * mse)) / (f3u * (k * msc + (k * n - k - n) * mse) + n * msr);
  const upper = (n * (f3l * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * f3l * msr);
  return { value, ci95: { lower, upper }, n, k };
}

/** ICC(3,1), two-way mixed, consistency; reported for comparison with published tables. */
export function icc31(rows: readonly (readonly number[])[]): number {
  const { k, msr, mse } = meanSquares(rows);
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

/** Bias = mean(A − B) and limits bias ± 1.96·SD, with CIs (Bland & Altman 1986, 1999). */
export function blandAltman(a: ArrayLike<number>, b: ArrayLike<number>): BlandAltman {
  const n = a.length;
  if (n < 2 || b.length !== n) throw new RangeError('need at least 2 paired reads');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] - b[i];
  const bias = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (a[i] - b[i] - bias) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  const t = tQuantile(0.975, n - 1);
  const biasHalfWidth = t * Math.sqrt(sd ** 2 / n);
  const limitHalfWidth = t * Math.sqrt((3 * sd ** 2) / n);
  const lowerLimit = bias - 1.96 * sd;
  const upperLimit = bias + 1.96 * sd;
  return {
    n,
    bias,
    sd,
    biasCi95: { lower: bias - biasHalfWidth, upper: bias + biasHalfWidth },
    lowerLimit,
    upperLimit,
    lowerLimitCi95: { lower: lowerLimit - limitHalfWidth, upper: lowerLimit + limitHalfWidth },
    upperLimitCi95: { lower: upperLimit - limitHalfWidth, upper: upperLimit + limitHalfWidth },
  };
}

export type KappaWeights = 'linear' | 'quadratic';

/**
 * Weighted kappa κ = (pₒ − pₑ)/(1 − pₑ) over a fixed category set: categories come from
 * configuration, so a category nobody used still counts in the weights.
 */
export function weightedKappa(
  a: readonly number[],
  b: readonly number[],
  categoryCount: number,
  weights: KappaWeights,
): number {
  const n = a.length;
  if (n === 0 || b.length !== n) throw new RangeError('need paired category indexes');
  const K = categoryCount;
  const observed = new Float64Array(K * K);
  const rowTotals = new Float64Array(K);
  const colTotals = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    observed[a[i] * K + b[i]] += 1 / n;
    rowTotals[a[i]] += 1 / n;
    colTotals[b[i]] += 1 / n;
  }
  let po = 0;
  let pe = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const distance = K === 1 ? 0 : Math.abs(i - j) / (K - 1);
      const w = weights === 'linear' ? 1 - distance : 1 - distance ** 2;
      po += w * observed[i * K + j];
      pe += w * rowTotals[i] * colTotals[j];
    }
  }
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}
