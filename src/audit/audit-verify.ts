import { GENESIS_HASH, HashedEvent, storedEventHash } from './audit-hash';

/** One stored event as the verifier reads it: the hashed fields plus the two chain links. */
export interface ChainLink extends HashedEvent {
  prevHash: string;
  hash: string;
}

/**
 * Where the verifier reads the chain from. `batch` returns events with from ≤ seq ≤ to in seq
 * order, at most `limit` of them; the audit repository implements it with keyset queries.
 */
export interface ChainReader {
  batch(fromSeq: number, toSeq: number, limit: number): Promise<ChainLink[]>;
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

export const VERIFY_BATCH_SIZE = 20_000;

/**
 * Walks events fromSeq..toSeq in keyset batches, recomputing each hash and checking that seq is
 * gapless (seq = previous + 1, see AuditRepository.append) and that each prev_hash is the previous
 * event's hash. Only two batches are in memory at once: while one is hashed, the next is already
 * being fetched, so Postgres and Node work in parallel.
 */
export async function verifyChain(
  reader: ChainReader,
  range: VerifyRange,
  batchSize = VERIFY_BATCH_SIZE,
): Promise<VerifyResult> {
  const { fromSeq, toSeq } = range;
  const result = (checked: number, broken?: { seq: number; reason: string }, lastHash?: string) =>
    broken
      ? { ok: false, checked, fromSeq, toSeq, firstBrokenSeq: broken.seq, reason: broken.reason }
      : { ok: true, checked, fromSeq, toSeq, ...(lastHash ? { lastHash } : {}) };
  if (toSeq < fromSeq) return result(0);

  let expectedPrev = fromSeq <= 1 ? GENESIS_HASH : await reader.hashAt(fromSeq - 1);
  if (expectedPrev === null) {
    return result(0, { seq: fromSeq - 1, reason: `event ${fromSeq - 1} is missing` });
  }
  let expectedSeq = Math.max(fromSeq, 1);
  let checked = 0;
  let next = reader.batch(expectedSeq, toSeq, batchSize);
  while (expectedSeq <= toSeq) {
    const rows = await next;
    if (rows.length === 0) break;
    const lastSeq = Number(rows[rows.length - 1].seq);
    // Prefetch: the query for the next batch runs while this one is hashed.
    next = lastSeq < toSeq ? reader.batch(lastSeq + 1, toSeq, batchSize) : Promise.resolve<[]>([]);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const seq = Number(row.seq);
      const broken = checkLink(row, seq, expectedSeq, expectedPrev);
      if (broken) {
        next.catch(() => undefined);
        return result(checked, broken);
      }
      expectedPrev = row.hash;
      expectedSeq = seq + 1;
      checked++;
    }
  }
  if (expectedSeq <= toSeq) {
    return result(checked, { seq: expectedSeq, reason: `event ${expectedSeq} is missing` });
  }
  return result(checked, undefined, expectedPrev);
}

function checkLink(
  row: ChainLink,
  seq: number,
  expectedSeq: number,
  expectedPrev: string,
): { seq: number; reason: string } | undefined {
  if (seq !== expectedSeq) {
    // seq is gapless by construction, so a hole means an event was removed.
    return { seq: expectedSeq, reason: `event ${expectedSeq} is missing (next is ${seq})` };
  }
  if (row.prevHash !== expectedPrev) {
    return { seq, reason: `event ${seq} does not link to the hash of event ${seq - 1}` };
  }
  if (storedEventHash(row, row.prevHash) !== row.hash) {
    return { seq, reason: `event ${seq} does not match its hash (contents altered)` };
  }
  return undefined;
}
