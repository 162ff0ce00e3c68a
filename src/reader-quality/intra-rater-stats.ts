import { icc21, Icc21Result, Interval } from '../agreement/agreement-stats';

/**
 * Intra-rater (test–retest) statistics from blinded re-reads (issue 12). Each pair is one set
 * read twice by the same rater: the first read and the re-read after a washout.
 *
 * - ICC: ICC(2,1) in Shrout & Fleiss terms, i.e. McGraw & Wong ICC(A,1), two-way, *absolute
 *   agreement*, single measurement, with the two occasions as the columns: a rater who scores
 *   systematically higher the second time loses agreement, which is what repeatability means.
 *   95% CI as McGraw & Wong (shared with the inter-rater ICC in agreement/).
 * - Repeatability coefficient (Bland & Altman 1999): within-subject SD from duplicates,
 *   s_w = √(Σd² / 2n), and RC = 2.77 · s_w (= 1.96 · √2 · s_w): two reads of the same set by this
 *   rater differ by less than RC for 95% of sets. Its 95% CI follows from n·s_w²/σ_w² ~ χ²(n).
 */
export interface RereadPair {
  first: number;
  second: number;
}

export interface Repeatability {
  n: number;
  withinSubjectSd: number;
  coefficient: number;
  ci95: Interval;
  /** Mean of second − first: a systematic shift between the occasions (Bland–Altman bias). */
  meanDifference: number;
}

export interface IntraRaterStats {
  n: number;
  icc: Icc21Result | null;
  repeatability: Repeatability | null;
}

export const REPEATABILITY_FACTOR = 2.77;

export function repeatability(pairs: readonly RereadPair[]): Repeatability | null {
  const n = pairs.length;
  if (n < 2) return null;
  let sumSquares = 0;
  let sumDifferences = 0;
  for (const { first, second } of pairs) {
    sumSquares += (second - first) ** 2;
    sumDifferences += second - first;
  }
  const withinSubjectSd = Math.sqrt(sumSquares / (2 * n));
  const lowerFactor = Math.sqrt(n / chiSquareQuantile(0.975, n));
  const upperFactor = Math.sqrt(n / chiSquareQuantile(0.025, n));
  return {
    n,
    withinSubjectSd,
    coefficient: REPEATABILITY_FACTOR * withinSubjectSd,
    ci95: {
      lower: REPEATABILITY_FACTOR * withinSubjectSd * lowerFactor,
      upper: REPEATABILITY_FACTOR * withinSubjectSd * upperFactor,
    },
    meanDifference: sumDifferences / n,
  };
}

export function intraRaterStats(pairs: readonly RereadPair[]): IntraRaterStats {
  let icc: Icc21Result | null = null;
  if (pairs.length >= 2) {
    try {
      icc = icc21(pairs.map(({ first, second }) => [first, second]));
    } catch {
      // Every read the same score: no between-set variance, so no ICC (RC still holds).
      icc = null;
    }
  }
  return { n: pairs.length, icc, repeatability: repeatability(pairs) };
}

// ---- χ² quantiles --------------------------------------------------------------------------

/** ln Γ(x), Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized lower incomplete gamma P(a, x): series below a + 1, continued fraction above. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lead);
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(lead) * h;
}

export function chiSquareCdf(x: number, df: number): number {
  return gammaP(df / 2, x / 2);
}

/** The p-quantile of χ²(df), by bisection on the CDF (monotone; 200 halvings reach 1e-12). */
export function chiSquareQuantile(p: number, df: number): number {
  let low = 0;
  let high = Math.max(1, df);
  while (chiSquareCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (chiSquareCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
