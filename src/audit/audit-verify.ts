import { GENESIS_HASH, HashedEvent, storedEventHash } from './audit-hash';

/** One stored event as the verifier reads it: the hashed fields plus the two chain links. */
export interface ChainLink extends HashedEvent {
  prevHash: string;
  hash: string;
}

/** Where the verifier reads the chain from; the audit repository implements it. */
export interface ChainReader {
  /**
   * Streams events with from ≤ seq ≤ to in seq order, at most `limit`, to `onLink` one at a time
   * as they arrive, and resolves with how many there were. Nothing is kept once handled, so memory
   * stays flat however long the chain is.
   */
  each(
    fromSeq: number,
    toSeq: number,
    limit: number,
    onLink: (link: ChainLink) => void,
  ): Promise<number>;
  /** The stored hash of one event, or null when there is none. */
  hashAt(seq: number): Promise<string | null>;
}

export interface VerifyRange {
  fromSeq: number;
  toSeq: number;
}

export interface VerifyResult {
  ok: boolean;
  /** How many events were recomputed and found sound. */
  checked: number;
  /** The range walked (toSeq was the last event when the walk started, unless asked for less). */
  fromSeq: number;
  toSeq: number;
  firstBrokenSeq?: number;
  reason?: string;
  /** Hash of the last sound event: record it elsewhere to notice later truncation of the tail. */
  lastHash?: string;
}

/**
 * Rows per keyset query. Rows are hashed as they stream in and dropped at once, so this bounds
 * only how much work a broken chain wastes after the break, not memory.
 */
export const VERIFY_BATCH_SIZE = 100_000;

interface Broken {
  seq: number;
  reason: string;
}

/**
 * Walks events fromSeq..toSeq in keyset batches, recomputing each hash and checking that seq is
 * gapless (seq = previous + 1, see AuditRepository.append) and that each prev_hash is the previous
 * event's hash.
 */
export async function verifyChain(
  reader: ChainReader,
  range: VerifyRange,
  batchSize = VERIFY_BATCH_SIZE,
): Promise<VerifyResult> {
  const { fromSeq, toSeq } = range;
  let checked = 0;
  const result = (broken?: Broken, lastHash?: string): VerifyResult =>
    broken
      ? { ok: false, checked, fromSeq, toSeq, firstBrokenSeq: broken.seq, reason: broken.reason }
      : { ok: true, checked, fromSeq, toSeq, ...(lastHash ? { lastHash } : {}) };
  if (toSeq < fromSeq) return result();

  const before = fromSeq <= 1 ? GENESIS_HASH : await reader.hashAt(fromSeq - 1);
  if (before === null)
    return result({ seq: fromSeq - 1, reason: `event ${fromSeq - 1} is missing` });
  let expectedPrev = before;
  let expectedSeq = Math.max(fromSeq, 1);
  let broken: Broken | undefined;
  const check = (link: ChainLink): void => {
    if (broken) return; // the rest of a batch after a break is only drained
    const seq = Number(link.seq);
    broken = checkLink(link, seq, expectedSeq, expectedPrev);
    if (broken) return;
    expectedPrev = link.hash;
    expectedSeq = seq + 1;
    checked++;
  };
  while (!broken && expectedSeq <= toSeq) {
    const count = await reader.each(expectedSeq, toSeq, batchSize, check);
    if (count === 0) break;
  }
  if (broken) return result(broken);
  if (expectedSeq <= toSeq) {
    return result({ seq: expectedSeq, reason: `event ${expectedSeq} is missing` });
  }
  return result(undefined, expectedPrev);
}

function checkLink(
  link: ChainLink,
  seq: number,
  expectedSeq: number,
  expectedPrev: string,
): Broken | undefined {
  if (seq !== expectedSeq) {
    // seq is gapless by construction, so a hole means an event was removed.
    return { seq: expectedSeq, reason: `event ${expectedSeq} is missing (next is ${seq})` };
  }
  if (link.prevHash !== expectedPrev) {
    return { seq, reason: `event ${seq} does not link to the hash of event ${seq - 1}` };
  }
  if (storedEventHash(link, link.prevHash) !== link.hash) {
    return { seq, reason: `event ${seq} does not match its hash (contents altered)` };
  }
  return undefined;
}
