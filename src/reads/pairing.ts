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

/** A set waiting for its pair, as batch pairing sees it. */
export interface SetToPair {
  photoSetId: string;
  subjectId: string;
}

export interface BatchPairingInput {
  mode: PairingMode;
  eligible: readonly RaterLoad[];
  /** Sets in assignment order: with per-subject pairing, a subject's first set picks its pair. */
  sets: readonly SetToPair[];
  /** Per subject, the pair on its most recently assigned set before this batch. */
  subjectPairs: ReadonlyMap<string, readonly [string, string]>;
  random?: () => number;
}

/**
 * The pairs of many sets assigned together, as if `choosePair` ran set after set: each chosen
 * rater's load grows by the task just given, so the least-loaded rule still spreads the batch
 * (without it one pair would take every set), and a subject's pair chosen for one set is the
 * pair of its later sets in the batch. Empty when fewer than two raters are eligible.
 */
export function chooseBatchPairs(
  input: BatchPairingInput,
): { photoSetId: string; pair: [string, string] }[] {
  const loads = new Map(input.eligible.map((rater) => [rater.raterId, rater.openTasks]));
  const subjectPairs = new Map(input.subjectPairs);
  const chosen: { photoSetId: string; pair: [string, string] }[] = [];
  for (const set of input.sets) {
    const pair = choosePair({
      mode: input.mode,
      eligible: [...loads].map(([raterId, openTasks]) => ({ raterId, openTasks })),
      subjectPair: subjectPairs.get(set.subjectId) ?? null,
      random: input.random,
    });
    if (!pair) return [];
    for (const raterId of pair) loads.set(raterId, loads.get(raterId)! + 1);
    subjectPairs.set(set.subjectId, pair);
    chosen.push({ photoSetId: set.photoSetId, pair });
  }
  return chosen;
}
