/**
 * The qualification pass rule (issue 12): a rater's calibration reads are compared with the
 * experts' reference SALT of each set. Both parts must hold: the mean absolute error is small
 * (no large misses on average) and most reads fall within the study's discordance margin (the
 * same margin that would send a live pair to adjudication).
 */
export interface CalibrationOutcome {
  salt: number;
  referenceSalt: number;
}

export interface PassRule {
  /** Mean absolute SALT error at most this. */
  maxMeanAbsError: number;
  /** At least this percent of reads within `maxDifference` of the reference. */
  minWithinPercent: number;
  /** The study's maxDifference. */
  maxDifference: number;
}

export interface RoundVerdict {
  passed: boolean;
  meanAbsError: number;
  withinPercent: number;
  n: number;
}

/** Rounds to 2 decimals in whole hundredths, so 4.999999 and 5 compare as the charter reads. */
function hundredths(value: number): number {
  return Math.round(value * 100) / 100;
}

export function judgeRound(outcomes: readonly CalibrationOutcome[], rule: PassRule): RoundVerdict {
  if (outcomes.length === 0) throw new RangeError('a round needs at least one calibration read');
  // SALT values have one decimal: compare in whole tenths so 10.0 − 0.0 is exactly 10.
  const errors = outcomes.map((o) =>
    Math.abs(Math.round(o.salt * 10) - Math.round(o.referenceSalt * 10)),
  );
  const meanAbsError = hundredths(errors.reduce((sum, e) => sum + e, 0) / errors.length / 10);
  const limit = Math.round(rule.maxDifference * 10);
  const within = errors.filter((e) => e <= limit).length;
  const withinPercent = hundredths((100 * within) / errors.length);
  return {
    passed: meanAbsError <= rule.maxMeanAbsError && withinPercent >= rule.minWithinPercent,
    meanAbsError,
    withinPercent,
    n: outcomes.length,
  };
}
