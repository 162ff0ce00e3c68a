import { fromTenths, meanHalfUp, toTenths } from './salt';

/** The study's discordance rule (its imaging charter), DESIGN §2. */
export interface DiscordanceRule {
  /** A pair differing by more than this many SALT points is discordant. */
  maxDifference: number;
  /** A pair on opposite sides of any of these values is discordant (e.g. [20]: responder or not). */
  thresholds: readonly number[];
}

export const DISCORDANCE_RULES = ['max-difference', 'threshold'] as const;
export type DiscordanceRuleName = (typeof DISCORDANCE_RULES)[number];

export interface PairEvaluation {
  /** |A − B| with one decimal. */
  difference: number;
  rulesFired: DiscordanceRuleName[];
  discordant: boolean;
  /** Final SALT when concordant: the mean, one decimal, half-up; null when discordant. */
  concordantMean: number | null;
}

/**
 * Which side of a threshold a SALT lies on. "SALT ≤ 20" is the responder endpoint of BRAVE-AA
 * and ALLEGRO, so a read exactly on the threshold counts with the values below it.
 */
function atOrBelow(saltInTenths: number, threshold: number): boolean {
  return saltInTenths <= Math.round(threshold * 1000) / 100;
}

/** Applies the rule to two SALT values (one decimal each). */
export function evaluatePair(a: number, b: number, rule: DiscordanceRule): PairEvaluation {
  const aTenths = toTenths(a);
  const bTenths = toTenths(b);
  const differenceTenths = Math.abs(aTenths - bTenths);
  const rulesFired: DiscordanceRuleName[] = [];
  // Compare in tenths; the setting may itself carry a decimal (e.g. 7.5).
  if (differenceTenths > Math.round(rule.maxDifference * 1000) / 100) {
    rulesFired.push('max-difference');
  }
  if (rule.thresholds.some((t) => atOrBelow(aTenths, t) !== atOrBelow(bTenths, t))) {
    rulesFired.push('threshold');
  }
  const discordant = rulesFired.length > 0;
  return {
    difference: fromTenths(differenceTenths),
    rulesFired,
    discordant,
    concordantMean: discordant ? null : meanHalfUp(a, b),
  };
}
