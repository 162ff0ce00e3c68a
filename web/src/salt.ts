import type { PartialRegions, Regions, View } from './types';

/** Each view's share of the scalp (Olsen et al. 2004); the server uses the same weights. */
export const WEIGHTS: Record<View, number> = { top: 0.4, back: 0.24, left: 0.18, right: 0.18 };

export const VIEW_LABELS: Record<View, string> = {
  top: 'Top (40%)',
  back: 'Back (24%)',
  left: 'Left (18%)',
  right: 'Right (18%)',
};

/**
 * SALT = 0.40·top + 0.24·back + 0.18·left + 0.18·right, one decimal, half-up. Works in integer
 * thousandths so 0.18·x does not pick up binary noise before rounding.
 */
export function computeSalt(regions: Regions): number {
  const tenths = (view: View) => Math.round(regions[view] * 10);
  // weights in hundredths × values in tenths = thousandths of a SALT point
  const thousandths =
    40 * tenths('top') + 24 * tenths('back') + 18 * tenths('left') + 18 * tenths('right');
  return Math.floor((thousandths + 50) / 100) / 10;
}

export function isComplete(regions: PartialRegions): regions is Regions {
  return (['top', 'back', 'left', 'right'] as const).every((view) => regions[view] !== undefined);
}

/** Why a region value is not acceptable, or null when it is. */
export function regionProblem(raw: string): string | null {
  if (raw.trim() === '') return 'Enter a value from 0 to 100.';
  if (!/^\d{1,3}(\.\d)?$/.test(raw.trim())) return 'Use a number with at most one decimal.';
  const value = Number(raw);
  if (value < 0 || value > 100) return 'Must be between 0 and 100.';
  return null;
}

export function formatSalt(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(1);
}
