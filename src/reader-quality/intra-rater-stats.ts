import { icc21, Icc21Result, Interval } from '../agreement/agreement-stats';
import { chiSquareQuantile } from '../agreement/distributions';

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
