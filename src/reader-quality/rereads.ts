import { createHash } from 'node:crypto';

/**
 * Which final sets are read again, by whom, and when (issue 12). Pure and deterministic: the
 * same set id always gives the same answer, so the selection is reproducible by an auditor and
 * independent of the order in which sets become final.
 */

/** A number in [0, 1) from the set id: the first 48 bits of SHA-256(`reread:` + id). */
export function rereadDraw(photoSetId: string): number {
  const digest = createHash('sha256').update(`reread:${photoSetId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A set is selected when its draw falls below the share: over many sets, `share` of them. */
export function selectedForReread(photoSetId: string, share: number): boolean {
  return share > 0 && rereadDraw(photoSetId) < share;
}

/**
 * One of the set's original raters, chosen by a second hash so the choice does not depend on the
 * selection draw; the candidates are sorted so their order in the database does not matter.
 */
export function chooseRereader(photoSetId: string, raterIds: readonly string[]): string | null {
  if (raterIds.length === 0) return null;
  const sorted = [...raterIds].sort();
  const digest = createHash('sha256').update(`rereader:${photoSetId}`).digest();
  return sorted[digest.readUInt32BE(0) % sorted.length];
}

export interface Washout {
  /** When the rater submitted their first read of the set. */
  firstReadAt: Date;
  /** Reads the same rater submitted (in the study) after that one. */
  readsSince: number;
  now: Date;
  minDays: number;
  minReads: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The washout holds when both minimums are met: enough days for the rater to forget the images,
 * and enough other reads in between that the re-read does not follow its first read closely.
 */
export function washoutHolds(washout: Washout): boolean {
  const elapsed = washout.now.getTime() - washout.firstReadAt.getTime();
  return elapsed >= washout.minDays * DAY_MS && washout.readsSince >= washout.minReads;
}

/**
 * The largest number of re-reads that may differ from `share` × n by chance alone (3 binomial
 * standard deviations), for tests and monitoring of the observed share.
 */
export function binomialTolerance(n: number, share: number): number {
  return 3 * Math.sqrt(n * share * (1 - share));
}
