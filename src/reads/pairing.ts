/** A rater who may take a new task, with how many open (assigned, unsubmitted) tasks they hold. */
export interface RaterLoad {
  raterId: string;
  openTasks: number;
}

export type PairingMode = 'per-subject' | 'per-set';

export interface PairingInput {
  mode: PairingMode;
  eligible: readonly RaterLoad[];
  /** The pair that read this subject's most recent assigned set, if any. */
  subjectPair?: readonly [string, string] | null;
  random?: () => number;
}

/** Least-loaded first; equal loads in random order so no rater is favoured by id or name. */
export function leastLoaded(
  candidates: readonly RaterLoad[],
  random: () => number = Math.random,
): RaterLoad[] {
  return candidates
    .map((candidate) => ({ candidate, tieBreak: random() }))
    .sort((a, b) => a.candidate.openTasks - b.candidate.openTasks || a.tieBreak - b.tieBreak)
    .map(({ candidate }) => candidate);
}

/**
 * Chooses the two raters of a new set, or null when fewer than two are eligible.
 *
 * With `per-subject` pairing the pair that read the subject's earlier sets reads this one too,
 * while both are still eligible, so change from baseline is not polluted by switching raters.
 * Otherwise (and always with `per-set`) the two least-loaded raters read it (DESIGN §2). The
 * returned order is random: slot 1 becomes "Read A" for the adjudicator, which must not hint at
 * who read what.
 */
export function choosePair(input: PairingInput): [string, string] | null {
  const random = input.random ?? Math.random;
  const eligibleIds = new Set(input.eligible.map((rater) => rater.raterId));
  if (eligibleIds.size < 2) return null;
  const subjectPair = input.subjectPair;
  const pair =
    input.mode === 'per-subject' &&
    subjectPair &&
    subjectPair[0] !== subjectPair[1] &&
    subjectPair.every((id) => eligibleIds.has(id))
      ? [subjectPair[0], subjectPair[1]]
      : leastLoaded(input.eligible, random)
          .slice(0, 2)
          .map((rater) => rater.raterId);
  if (pair.length < 2 || pair[0] === pair[1]) return null;
  return random() < 0.5 ? [pair[0], pair[1]] : [pair[1], pair[0]];
}

/** The replacement for a rater who left: least-loaded eligible rater not already on the set. */
export function chooseReplacement(
  eligible: readonly RaterLoad[],
  excluded: ReadonlySet<string>,
  random: () => number = Math.random,
): string | null {
  const [best] = leastLoaded(
    eligible.filter((rater) => !excluded.has(rater.raterId)),
    random,
  );
  return best?.raterId ?? null;
}
