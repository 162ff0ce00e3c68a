import { categorize, SeverityScale } from '../scoring/severity';
import {
  BlandAltman,
  blandAltman,
  IccResult,
  icc11,
  icc21,
  weightedKappa,
} from './agreement-stats';
import { EvaluatedPair } from './agreement.repository';

/**
 * An ICC needs this many sets before it means anything: with fewer, one odd set swings it to ±1
 * and its interval degenerates. Applies study-wide (ICC(1,1)) and per fixed pair (ICC(2,1)).
 */
export const MIN_SETS_PER_PAIR = 5;

export interface PairIcc extends IccResult {
  raterIds: [string, string];
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
  byMonth: { month: string; reads: number; discordant: number; chosen: number; decided: number }[];
}

export interface AgreementReport {
  pairs: number;
  discordant: number;
  /** Study-wide: each set read by a pair drawn from a rotating pool, so Shrout & Fleiss case 1. */
  icc11: IccResult | null;
  /** Within each fixed rater pair sharing at least MIN_SETS_PER_PAIR sets. */
  icc21ByPair: PairIcc[];
  blandAltman: BlandAltman | null;
  kappa: { scale: string; categories: string[]; linear: number; quadratic: number } | null;
  raters: RaterMonitoring[];
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

/** Everything the agreement view shows, computed in one pass over the study's evaluated pairs. */
export function agreementReport(pairs: EvaluatedPair[], scale: SeverityScale): AgreementReport {
  const rows = pairs.map((pair) => [pair.saltA, pair.saltB]);
  const a = pairs.map((pair) => pair.saltA);
  const b = pairs.map((pair) => pair.saltB);

  // Columns ordered by rater id, so "rater 1" is the same person on every row of one pair.
  const byPair = new Map<string, { ids: [string, string]; rows: number[][] }>();
  for (const pair of pairs) {
    const swap = pair.raterA > pair.raterB;
    const ids: [string, string] = swap ? [pair.raterB, pair.raterA] : [pair.raterA, pair.raterB];
    const key = ids.join('|');
    const entry = byPair.get(key) ?? { ids, rows: [] };
    entry.rows.push(swap ? [pair.saltB, pair.saltA] : [pair.saltA, pair.saltB]);
    byPair.set(key, entry);
  }
  const icc21ByPair: PairIcc[] = [];
  for (const { ids, rows: pairRows } of byPair.values()) {
    if (pairRows.length < MIN_SETS_PER_PAIR) continue;
    const result = finiteOrNull(safely(() => icc21(pairRows)));
    if (result) icc21ByPair.push({ ...result, raterIds: ids });
  }

  const codes = scale.categories.map((category) => category.code);
  const index = (salt: number) => codes.indexOf(categorize(salt, scale).code);
  const categoriesA = a.map(index);
  const categoriesB = b.map(index);
  const kappa =
    pairs.length > 0
      ? {
          scale: scale.name,
          categories: codes,
          linear: weightedKappa(categoriesA, categoriesB, codes.length, 'linear'),
          quadratic: weightedKappa(categoriesA, categoriesB, codes.length, 'quadratic'),
        }
      : null;

  return {
    pairs: pairs.length,
    discordant: pairs.filter((pair) => pair.discordant).length,
    icc11: rows.length >= MIN_SETS_PER_PAIR ? finiteOrNull(safely(() => icc11(rows))) : null,
    icc21ByPair,
    blandAltman: safely(() => blandAltman(a, b)),
    kappa,
    raters: raterMonitoring(pairs),
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

const emptyBucket = (): Bucket => ({ reads: 0, discordant: 0, decided: 0, chosen: 0 });

/**
 * Reader monitoring (BICR practice): per rater, how often their pairs went to adjudication and
 * how often the adjudicator chose their read, overall and by month.
 */
export function raterMonitoring(pairs: EvaluatedPair[]): RaterMonitoring[] {
  const totals = new Map<string, Bucket>();
  const monthly = new Map<string, Map<string, Bucket>>();
  for (const pair of pairs) {
    const month = pair.month;
    for (const [raterId, side] of [
      [pair.raterA, 'A'],
      [pair.raterB, 'B'],
    ] as const) {
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
      return {
        raterId,
        reads: t.reads,
        discordant: t.discordant,
        adjudicationRate: ratio(t.discordant, t.reads),
        adjudicatedWithChoice: t.decided,
        chosen: t.chosen,
        chosenRate,
        disagreementIndex: chosenRate === null ? null : 1 - chosenRate,
        byMonth: [...(monthly.get(raterId) ?? new Map<string, Bucket>()).entries()]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([month, m]) => ({ month, ...m })),
      };
    });
}
