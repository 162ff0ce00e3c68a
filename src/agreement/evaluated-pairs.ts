/**
 * A study's evaluated pairs as parallel columns, one entry per set. Studies reach 100k sets: an
 * object per set (and its strings) costs more than every statistic computed from them, so the
 * repository decodes straight into typed arrays and the report reads them by index.
 */
export interface EvaluatedPairs {
  count: number;
  /** Every rater who read one of the sets, sorted; raterA and raterB index into it. */
  raterIds: string[];
  raterA: Uint32Array;
  saltA: Float64Array;
  raterB: Uint32Array;
  saltB: Float64Array;
  /** Every evaluation month ('YYYY-MM'), sorted; month indexes into it. */
  months: string[];
  month: Uint32Array;
  /** 1 when the pair went to adjudication. */
  discordant: Uint8Array;
  /** The adjudicator's choice, as a Choice code. */
  choice: Uint8Array;
}

export const Choice = { none: 0, a: 1, b: 2, own: 3 } as const;

/** One evaluated pair: the latest evaluation of a set, with the adjudicator's choice if any. */
export interface EvaluatedPair {
  /** 'YYYY-MM' of the evaluation, for monitoring over time. */
  month: string;
  discordant: boolean;
  raterA: string;
  saltA: number;
  raterB: string;
  saltB: number;
  choice: 'A' | 'B' | 'own' | null;
}

/** Columns for `count` pairs, every entry 0 until filled in. */
export function emptyPairColumns(
  count: number,
  raterIds: string[],
  months: string[],
): EvaluatedPairs {
  return {
    count,
    raterIds,
    raterA: new Uint32Array(count),
    saltA: new Float64Array(count),
    raterB: new Uint32Array(count),
    saltB: new Float64Array(count),
    months,
    month: new Uint32Array(count),
    discordant: new Uint8Array(count),
    choice: new Uint8Array(count),
  };
}

const CHOICE_CODES = { A: Choice.a, B: Choice.b, own: Choice.own } as const;

/** Index of each distinct value in sorted order. */
function sortedIndex(values: Iterable<string>): { sorted: string[]; indexOf: Map<string, number> } {
  const sorted = [...new Set(values)].sort();
  return { sorted, indexOf: new Map(sorted.map((value, index) => [value, index])) };
}

/** Columns of pairs given one object each (hand-made pairs in specs, small studies). */
export function pairColumns(pairs: readonly EvaluatedPair[]): EvaluatedPairs {
  const count = pairs.length;
  const raters = sortedIndex(pairs.flatMap((pair) => [pair.raterA, pair.raterB]));
  const months = sortedIndex(pairs.map((pair) => pair.month));
  const columns = emptyPairColumns(count, raters.sorted, months.sorted);
  pairs.forEach((pair, i) => {
    columns.raterA[i] = raters.indexOf.get(pair.raterA) ?? 0;
    columns.saltA[i] = pair.saltA;
    columns.raterB[i] = raters.indexOf.get(pair.raterB) ?? 0;
    columns.saltB[i] = pair.saltB;
    columns.month[i] = months.indexOf.get(pair.month) ?? 0;
    columns.discordant[i] = pair.discordant ? 1 : 0;
    columns.choice[i] = pair.choice === null ? Choice.none : CHOICE_CODES[pair.choice];
  });
  return columns;
}

export function asPairColumns(pairs: EvaluatedPairs | readonly EvaluatedPair[]): EvaluatedPairs {
  return isPairList(pairs) ? pairColumns(pairs) : pairs;
}

function isPairList(
  pairs: EvaluatedPairs | readonly EvaluatedPair[],
): pairs is readonly EvaluatedPair[] {
  return Array.isArray(pairs);
}
