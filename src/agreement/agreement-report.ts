import { categorize, SeverityScale } from '../scoring/severity';
import {
  BlandAltman,
  blandAltmanOfDifferences,
  Icc21Result,
  IccResult,
  icc11,
  icc21,
  Interval,
  weightedKappa,
} from './agreement-stats';
import { tQuantile } from './distributions';
import { EvaluatedPair } from './agreement.repository';

/**
 * An ICC needs this many sets before it means anything: with fewer, one odd set swings it to ±1
 * and its interval degenerates. Applies study-wide (ICC(1,1)) and per fixed pair (ICC(2,1),
 * Bland–Altman), and to kappa, which one or two pairs swing just as far.
 */
export const MIN_SETS_PER_PAIR = 5;

export interface PairIcc extends Icc21Result {
  raterIds: [string, string];
}

/** Bland–Altman of one fixed rater pair: every difference is raterIds[0] − raterIds[1]. */
export interface PairBlandAltman extends BlandAltman {
  raterIds: [string, string];
  /** "name of raterIds[0] − name of raterIds[1]". */
  difference: string;
}

export interface RaterMonitoring {
  raterId: string;
  reads: number;
  discordant: number;
  /** Share of this rater's evaluated reads whose pair went to adjudication. */
  adjudicationRate: number | null;
  /** Adjudications decided by choosing A or B, and how often this rater's read was chosen. */
  adjudicatedWithChoice: number;
  chosen: number;
  chosenRate: number | null;
  /** 1 − chosenRate: how often the adjudicator sided against this rater. */
  disagreementIndex: number | null;
  /** Mean of (this rater's SALT − the partner's SALT) over their reads; null below the minimum. */
  meanDifferenceFromPartners: number | null;
  meanDifferenceCi95: Interval | null;
  byMonth: { month: string; reads: number; discordant: number; chosen: number; decided: number }[];
}

export interface AgreementKappa {
  scale: string;
  categories: string[];
  n: number;
  /** Null when not defined: every read in one category, so chance agreement is 1. */
  linear: number | null;
  quadratic: number | null;
}

export interface AgreementReport {
  pairs: number;
  discordant: number;
  /** Study-wide: each set read by a pair drawn from a rotating pool, so Shrout & Fleiss case 1. */
  icc11: IccResult | null;
  /** Within each fixed rater pair sharing at least MIN_SETS_PER_PAIR sets. */
  icc21ByPair: PairIcc[];
  /** Within each fixed rater pair sharing at least MIN_SETS_PER_PAIR sets, oriented by rater. */
  blandAltmanByPair: PairBlandAltman[];
  /**
   * Every pair together, as slot A − slot B. Slots are assigned at random, so its bias is near 0
   * by design and says nothing about any rater; its limits say how far two reads of one set by
   * two raters drawn from the pool may differ.
   */
  blandAltmanPooled: BlandAltman | null;
  kappa: AgreementKappa | null;
  raters: RaterMonitoring[];
  /** What a reader of the figures must know: withheld or undefined statistics, caveats. */
  notes: string[];
}

/** Too few pairs for a statistic is "no value yet", not an error. */
function safely<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

function finiteOrNull<T extends { value: number }>(result: T | null): T | null {
  return result && Number.isFinite(result.value) ? result : null;
}

interface FixedPair {
  ids: [string, string];
  rows: [number, number][];
}

/** Sets grouped by the two people who read them, columns ordered by rater id. */
function fixedPairs(pairs: EvaluatedPair[]): FixedPair[] {
  const byPair = new Map<string, FixedPair>();
  for (const pair of pairs) {
    const swap = pair.raterA > pair.raterB;
    const ids: [string, string] = swap ? [pair.raterB, pair.raterA] : [pair.raterA, pair.raterB];
    const key = ids.join('|');
    const entry = byPair.get(key) ?? { ids, rows: [] };
    entry.rows.push(swap ? [pair.saltB, pair.saltA] : [pair.saltA, pair.saltB]);
    byPair.set(key, entry);
  }
  return [...byPair.values()].sort((x, y) => (x.ids.join('|') < y.ids.join('|') ? -1 : 1));
}

const allSame = (values: number[]) => values.every((value) => value === values[0]);

/**
 * Everything the agreement view shows, computed in one pass over the study's evaluated pairs.
 * nameOf names a rater in the notes and the Bland–Altman orientation (the view's staff names).
 */
export function agreementReport(
  pairs: EvaluatedPair[],
  scale: SeverityScale,
  nameOf: (raterId: string) => string = (raterId) => raterId,
): AgreementReport {
  const notes: string[] = [];
  const rows = pairs.map((pair): [number, number] => [pair.saltA, pair.saltB]);
  const enough = pairs.length >= MIN_SETS_PER_PAIR;

  let icc11Result: IccResult | null = null;
  if (enough) {
    icc11Result = finiteOrNull(safely(() => icc11(rows)));
    if (!icc11Result) {
      notes.push('ICC is not defined: every read has the same score, so there is no variance.');
    } else if (pairs.every((pair) => pair.saltA === pair.saltB)) {
      notes.push(
        'Every pair of reads agreed exactly: ICC(1,1) is 1 and its interval is the degenerate [1, 1].',
      );
    }
  } else if (pairs.length > 0) {
    notes.push(`ICC(1,1) and kappa are withheld below ${MIN_SETS_PER_PAIR} evaluated sets.`);
  }

  const icc21ByPair: PairIcc[] = [];
  const blandAltmanByPair: PairBlandAltman[] = [];
  for (const { ids, rows: pairRows } of fixedPairs(pairs)) {
    if (pairRows.length < MIN_SETS_PER_PAIR) continue;
    const pairName = `${nameOf(ids[0])} & ${nameOf(ids[1])}`;
    const icc = finiteOrNull(safely(() => icc21(pairRows)));
    if (icc) {
      icc21ByPair.push({ ...icc, raterIds: ids });
      const { lower, upper } = icc.ci95;
      if (icc.ciDf < 1 || icc.value < lower || icc.value > upper) {
        notes.push(
          `ICC(2,1) for ${pairName} is ${icc.value.toFixed(2)}: the Satterthwaite df of its ` +
            `interval is ${icc.ciDf.toPrecision(2)}, close to 0, so the McGraw & Wong interval ` +
            `[${lower.toFixed(2)}, ${upper.toFixed(2)}] is unreliable` +
            (icc.value < lower || icc.value > upper ? ' and does not contain the estimate.' : '.'),
        );
      }
    }
    const ba = blandAltmanOfDifferences(pairRows.map(([x, y]) => x - y));
    blandAltmanByPair.push({
      ...ba,
      raterIds: ids,
      difference: `${nameOf(ids[0])} − ${nameOf(ids[1])}`,
    });
  }

  const blandAltmanPooled = safely(() =>
    blandAltmanOfDifferences(pairs.map((pair) => pair.saltA - pair.saltB)),
  );
  if (blandAltmanPooled) {
    notes.push(
      'The pooled Bland–Altman takes every pair as slot A − slot B. Slots are assigned at random, ' +
        'so its bias is near 0 by design and says nothing about any rater: read the per-pair ' +
        "figures and each rater's mean difference from their partners for that. Its limits say " +
        'how far two reads of one set by two raters drawn from the pool may differ.',
    );
  }

  let kappa: AgreementKappa | null = null;
  if (enough) {
    const codes = scale.categories.map((category) => category.code);
    const index = (salt: number) => codes.indexOf(categorize(salt, scale).code);
    const categoriesA = pairs.map((pair) => index(pair.saltA));
    const categoriesB = pairs.map((pair) => index(pair.saltB));
    kappa = {
      scale: scale.name,
      categories: codes,
      n: pairs.length,
      linear: weightedKappa(categoriesA, categoriesB, codes.length, 'linear'),
      quadratic: weightedKappa(categoriesA, categoriesB, codes.length, 'quadratic'),
    };
    if (kappa.linear === null && allSame([...categoriesA, ...categoriesB])) {
      notes.push(
        `Weighted kappa is not defined: every read falls in ${scale.name} category ` +
          `${codes[categoriesA[0]]}, so chance agreement is 1 (1 − pₑ = 0).`,
      );
    }
  }

  return {
    pairs: pairs.length,
    discordant: pairs.filter((pair) => pair.discordant).length,
    icc11: icc11Result,
    icc21ByPair,
    blandAltmanByPair,
    blandAltmanPooled,
    kappa,
    raters: raterMonitoring(pairs),
    notes,
  };
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

interface Bucket {
  reads: number;
  discordant: number;
  decided: number;
  chosen: number;
}

/** Running mean and sum of squared deviations (Welford), so 100k reads need no array. */
interface Differences {
  n: number;
  mean: number;
  squares: number;
}

const emptyBucket = (): Bucket => ({ reads: 0, discordant: 0, decided: 0, chosen: 0 });

/**
 * Reader monitoring (BICR practice): per rater, how often their pairs went to adjudication and
 * how often the adjudicator chose their read, overall and by month.
 */
export function raterMonitoring(pairs: EvaluatedPair[]): RaterMonitoring[] {
  const totals = new Map<string, Bucket>();
  const monthly = new Map<string, Map<string, Bucket>>();
  const differences = new Map<string, Differences>();
  for (const pair of pairs) {
    const month = pair.month;
    for (const [raterId, side, difference] of [
      [pair.raterA, 'A', pair.saltA - pair.saltB],
      [pair.raterB, 'B', pair.saltB - pair.saltA],
    ] as const) {
      const d = differences.get(raterId) ?? { n: 0, mean: 0, squares: 0 };
      differences.set(raterId, d);
      d.n++;
      const step = difference - d.mean;
      d.mean += step / d.n;
      d.squares += step * (difference - d.mean);
      const total = totals.get(raterId) ?? emptyBucket();
      totals.set(raterId, total);
      const months = monthly.get(raterId) ?? new Map<string, Bucket>();
      monthly.set(raterId, months);
      const inMonth = months.get(month) ?? emptyBucket();
      months.set(month, inMonth);
      for (const bucket of [total, inMonth]) {
        bucket.reads++;
        if (pair.discordant) bucket.discordant++;
        if (pair.choice === 'A' || pair.choice === 'B') {
          bucket.decided++;
          if (pair.choice === side) bucket.chosen++;
        }
      }
    }
  }
  return [...totals.entries()]
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([raterId, t]) => {
      const chosenRate = ratio(t.chosen, t.decided);
      const d = differences.get(raterId) ?? { n: 0, mean: 0, squares: 0 };
      const enough = d.n >= MIN_SETS_PER_PAIR;
      const halfWidth = enough
        ? (tQuantile(0.975, d.n - 1) * Math.sqrt(d.squares / (d.n - 1))) / Math.sqrt(d.n)
        : 0;
      return {
        raterId,
        reads: t.reads,
        discordant: t.discordant,
        adjudicationRate: ratio(t.discordant, t.reads),
        adjudicatedWithChoice: t.decided,
        chosen: t.chosen,
        chosenRate,
        disagreementIndex: chosenRate === null ? null : 1 - chosenRate,
        meanDifferenceFromPartners: enough ? d.mean : null,
        meanDifferenceCi95: enough
          ? { lower: d.mean - halfWidth, upper: d.mean + halfWidth }
          : null,
        byMonth: [...(monthly.get(raterId) ?? new Map<string, Bucket>()).entries()]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([month, m]) => ({ month, ...m })),
      };
    });
}
