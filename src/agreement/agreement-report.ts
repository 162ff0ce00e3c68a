import { categorize, SeverityScale } from '../scoring/severity';
import {
  BlandAltman,
  blandAltmanOfDifferences,
  Icc21Result,
  IccResult,
  icc11OfColumns,
  icc21OfColumns,
  Interval,
  weightedKappa,
} from './agreement-stats';
import { tQuantile } from './distributions';
import { asPairColumns, Choice, EvaluatedPair, EvaluatedPairs } from './evaluated-pairs';

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
  /** Each set's two scores, in the order of ids, in the study's set order. */
  first: Float64Array;
  second: Float64Array;
}

/** Sets grouped by the two people who read them, columns ordered by rater id. */
function fixedPairs(pairs: EvaluatedPairs): FixedPair[] {
  const { count, raterIds, raterA, raterB, saltA, saltB } = pairs;
  const raterCount = raterIds.length;
  // Group of each (lower, higher) rater index; raterIds is sorted, so indexes order the ids.
  const groupOf = new Int32Array(raterCount * raterCount).fill(-1);
  const group = new Uint32Array(count);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = Math.min(raterA[i], raterB[i]) * raterCount + Math.max(raterA[i], raterB[i]);
    if (groupOf[key] === -1) groupOf[key] = sizes.push(0) - 1;
    group[i] = groupOf[key];
    sizes[group[i]]++;
  }
  const groups = sizes.map((size) => ({
    ids: ['', ''] as [string, string],
    first: new Float64Array(size),
    second: new Float64Array(size),
  }));
  const filled = new Uint32Array(sizes.length);
  for (let i = 0; i < count; i++) {
    const entry = groups[group[i]];
    const at = filled[group[i]]++;
    const swap = raterA[i] > raterB[i];
    if (at === 0) {
      const [low, high] = swap ? [raterB[i], raterA[i]] : [raterA[i], raterB[i]];
      entry.ids = [raterIds[low], raterIds[high]];
    }
    entry.first[at] = swap ? saltB[i] : saltA[i];
    entry.second[at] = swap ? saltA[i] : saltB[i];
  }
  return groups.sort((x, y) => (x.ids.join('|') < y.ids.join('|') ? -1 : 1));
}

function differences(x: Float64Array, y: Float64Array): Float64Array {
  const result = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) result[i] = x[i] - y[i];
  return result;
}

function allEqualTo(value: number, ...columns: Uint8Array[]): boolean {
  return columns.every((column) => column.every((x) => x === value));
}

/**
 * Category index of each score. Scores from the database are tenths (0–1000) divided by 10, so
 * each category is found once per tenth; any other number goes through categorize itself.
 */
function categoryIndexes(scale: SeverityScale, ...columns: Float64Array[]): Uint8Array[] {
  const codes = scale.categories.map((category) => category.code);
  const indexOf = (salt: number) => codes.indexOf(categorize(salt, scale).code);
  const byTenth = new Int16Array(1001).fill(-1);
  return columns.map((salts) => {
    const indexes = new Uint8Array(salts.length);
    for (let i = 0; i < salts.length; i++) {
      const salt = salts[i];
      const tenths = Math.round(salt * 10);
      if (tenths >= 0 && tenths <= 1000 && tenths / 10 === salt) {
        if (byTenth[tenths] === -1) byTenth[tenths] = indexOf(salt);
        indexes[i] = byTenth[tenths];
      } else {
        indexes[i] = indexOf(salt);
      }
    }
    return indexes;
  });
}

/**
 * Everything the agreement view shows, computed in one pass over the study's evaluated pairs.
 * nameOf names a rater in the notes and the Bland–Altman orientation (the view's staff names).
 */
export function agreementReport(
  evaluated: EvaluatedPairs | readonly EvaluatedPair[],
  scale: SeverityScale,
  nameOf: (raterId: string) => string = (raterId) => raterId,
): AgreementReport {
  const pairs = asPairColumns(evaluated);
  const notes: string[] = [];
  const enough = pairs.count >= MIN_SETS_PER_PAIR;

  let icc11Result: IccResult | null = null;
  if (enough) {
    icc11Result = finiteOrNull(safely(() => icc11OfColumns([pairs.saltA, pairs.saltB])));
    if (!icc11Result) {
      notes.push('ICC is not defined: every read has the same score, so there is no variance.');
    } else if (pairs.saltA.every((salt, i) => salt === pairs.saltB[i])) {
      notes.push(
        'Every pair of reads agreed exactly: ICC(1,1) is 1 and its interval is the degenerate [1, 1].',
      );
    }
  } else if (pairs.count > 0) {
    notes.push(`ICC(1,1) and kappa are withheld below ${MIN_SETS_PER_PAIR} evaluated sets.`);
  }

  const icc21ByPair: PairIcc[] = [];
  const blandAltmanByPair: PairBlandAltman[] = [];
  for (const { ids, first, second } of fixedPairs(pairs)) {
    if (first.length < MIN_SETS_PER_PAIR) continue;
    const pairName = `${nameOf(ids[0])} & ${nameOf(ids[1])}`;
    const icc = finiteOrNull(safely(() => icc21OfColumns([first, second])));
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
    const ba = blandAltmanOfDifferences(differences(first, second));
    blandAltmanByPair.push({
      ...ba,
      raterIds: ids,
      difference: `${nameOf(ids[0])} − ${nameOf(ids[1])}`,
    });
  }

  const blandAltmanPooled = safely(() =>
    blandAltmanOfDifferences(differences(pairs.saltA, pairs.saltB)),
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
    const [categoriesA, categoriesB] = categoryIndexes(scale, pairs.saltA, pairs.saltB);
    kappa = {
      scale: scale.name,
      categories: codes,
      n: pairs.count,
      linear: weightedKappa(categoriesA, categoriesB, codes.length, 'linear'),
      quadratic: weightedKappa(categoriesA, categoriesB, codes.length, 'quadratic'),
    };
    if (kappa.linear === null && allEqualTo(categoriesA[0], categoriesA, categoriesB)) {
      notes.push(
        `Weighted kappa is not defined: every read falls in ${scale.name} category ` +
          `${codes[categoriesA[0]]}, so chance agreement is 1 (1 − pₑ = 0).`,
      );
    }
  }

  return {
    pairs: pairs.count,
    discordant: pairs.discordant.reduce((sum, flag) => sum + flag, 0),
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

/** Per rater and month: reads, discordant, decided (choice A or B), chosen; in that order. */
const READS = 0;
const DISCORDANT = 1;
const DECIDED = 2;
const CHOSEN = 3;
const COUNTS = 4;

/**
 * Reader monitoring (BICR practice): per rater, how often their pairs went to adjudication and
 * how often the adjudicator chose their read, overall and by month.
 */
export function raterMonitoring(
  evaluated: EvaluatedPairs | readonly EvaluatedPair[],
): RaterMonitoring[] {
  const pairs = asPairColumns(evaluated);
  const raterCount = pairs.raterIds.length;
  const monthCount = pairs.months.length;
  const counts = new Uint32Array(raterCount * monthCount * COUNTS);
  // Running mean and sum of squared deviations of each rater's differences (Welford).
  const n = new Uint32Array(raterCount);
  const mean = new Float64Array(raterCount);
  const squares = new Float64Array(raterCount);
  const count = (i: number, rater: number, side: number, difference: number) => {
    n[rater]++;
    const step = difference - mean[rater];
    mean[rater] += step / n[rater];
    squares[rater] += step * (difference - mean[rater]);
    const at = (rater * monthCount + pairs.month[i]) * COUNTS;
    counts[at + READS]++;
    counts[at + DISCORDANT] += pairs.discordant[i];
    const choice = pairs.choice[i];
    if (choice === Choice.a || choice === Choice.b) {
      counts[at + DECIDED]++;
      if (choice === side) counts[at + CHOSEN]++;
    }
  };
  for (let i = 0; i < pairs.count; i++) {
    count(i, pairs.raterA[i], Choice.a, pairs.saltA[i] - pairs.saltB[i]);
    count(i, pairs.raterB[i], Choice.b, pairs.saltB[i] - pairs.saltA[i]);
  }
  const monitoring: RaterMonitoring[] = [];
  // raterIds and months are sorted, so index order is the order of ids and of months.
  for (let rater = 0; rater < raterCount; rater++) {
    if (n[rater] === 0) continue;
    const byMonth: RaterMonitoring['byMonth'] = [];
    const total = { reads: 0, discordant: 0, decided: 0, chosen: 0 };
    for (let month = 0; month < monthCount; month++) {
      const at = (rater * monthCount + month) * COUNTS;
      if (counts[at + READS] === 0) continue;
      const inMonth = {
        reads: counts[at + READS],
        discordant: counts[at + DISCORDANT],
        decided: counts[at + DECIDED],
        chosen: counts[at + CHOSEN],
      };
      byMonth.push({ month: pairs.months[month], ...inMonth });
      total.reads += inMonth.reads;
      total.discordant += inMonth.discordant;
      total.decided += inMonth.decided;
      total.chosen += inMonth.chosen;
    }
    const chosenRate = ratio(total.chosen, total.decided);
    const enough = n[rater] >= MIN_SETS_PER_PAIR;
    const halfWidth = enough
      ? (tQuantile(0.975, n[rater] - 1) * Math.sqrt(squares[rater] / (n[rater] - 1))) /
        Math.sqrt(n[rater])
      : 0;
    monitoring.push({
      raterId: pairs.raterIds[rater],
      reads: total.reads,
      discordant: total.discordant,
      adjudicationRate: ratio(total.discordant, total.reads),
      adjudicatedWithChoice: total.decided,
      chosen: total.chosen,
      chosenRate,
      disagreementIndex: chosenRate === null ? null : 1 - chosenRate,
      meanDifferenceFromPartners: enough ? mean[rater] : null,
      meanDifferenceCi95: enough
        ? { lower: mean[rater] - halfWidth, upper: mean[rater] + halfWidth }
        : null,
      byMonth,
    });
  }
  return monitoring;
}
