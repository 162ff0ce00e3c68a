/**
 * SALT (Severity of Alopecia Tool, Olsen et al. 2004): the percent of terminal hair lost in each
 * of the four scalp views, weighted by that view's share of the scalp.
 *
 * Everything is computed in integer tenths: inputs carry at most one decimal, so 10·value is an
 * integer and the weighted sum is exact. Binary floating point would turn e.g. 0.18·0.5 into
 * 0.09000000000000001 and flip a half-up rounding.
 */
export const VIEW_WEIGHTS_PERCENT = { top: 40, back: 24, left: 18, right: 18 } as const;

export type ScoredView = keyof typeof VIEW_WEIGHTS_PERCENT;
export const SCORED_VIEWS: readonly ScoredView[] = ['top', 'back', 'left', 'right'];

export type RegionScores = Record<ScoredView, number>;

/** A value in tenths (0.1 steps) as an integer; throws if it has more than one decimal. */
export function toTenths(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  const scaled = Math.round(value * 10);
  // value·10 of a one-decimal number lands within float noise of an integer; 4.35·10 does not.
  if (Math.abs(value * 10 - scaled) > 1e-6) {
    throw new RangeError(`${value} has more than one decimal`);
  }
  return scaled;
}

export function fromTenths(tenths: number): number {
  return tenths / 10;
}

/** True for 0–100 with at most one decimal: the values a rater may enter for a view. */
export function isRegionValue(value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < 0 || value > 100) return false;
  try {
    toTenths(value);
    return true;
  } catch {
    return false;
  }
}

/** Integer division of a non-negative numerator, rounding half up. */
function divideHalfUp(numerator: number, divisor: number): number {
  return Math.floor((numerator * 2 + divisor) / (divisor * 2));
}

/** SALT in tenths from region values in tenths. */
export function saltTenths(tenths: RegionScores): number {
  const weighted = SCORED_VIEWS.reduce(
    (sum, view) => sum + VIEW_WEIGHTS_PERCENT[view] * tenths[view],
    0,
  );
  return divideHalfUp(weighted, 100);
}

/** SALT with one decimal, half-up, from the four region values (each 0–100, ≤ 1 decimal). */
export function computeSalt(scores: RegionScores): number {
  for (const view of SCORED_VIEWS) {
    if (!isRegionValue(scores[view])) {
      throw new RangeError(`${view} must be 0–100 with at most one decimal`);
    }
  }
  const tenths = Object.fromEntries(
    SCORED_VIEWS.map((view) => [view, toTenths(scores[view])]),
  ) as RegionScores;
  return fromTenths(saltTenths(tenths));
}

/** Mean of two one-decimal values, itself with one decimal rounded half-up. */
export function meanHalfUp(a: number, b: number): number {
  return fromTenths(divideHalfUp(toTenths(a) + toTenths(b), 2));
}
