import { KeyObject } from 'node:crypto';
import { Checkpoint, checkpointSignatureValid } from './audit-checkpoint';
import { eventLeafHashHex, GENESIS_HASH, storedEventHash } from './audit-hash';
import { LeafRow } from './audit-log-reader';
import { MerkleFrontier, MerkleSegment } from './merkle';

/** Where the old hash chain ends: it became the log's first `chainedEvents` leaves. */
export interface LogOrigin {
  chainedEvents: number;
  chainLastHash: string;
}

/** The first thing found wrong, at a leaf (and the event it names, when there is one). */
export interface LeafFinding {
  leaf: number;
  seq?: number;
  reason: string;
}

/** What the verifier remembers of a leaf to check it against its neighbour in another segment. */
export interface LeafKey {
  leaf: number;
  seq: string;
  xid: string | null;
  prevHash: string | null;
  hash: string;
}

export interface LeafSegmentResult {
  from: number;
  to: number;
  /** Leaves recomputed and found sound, before the first finding. */
  checked: number;
  broken?: LeafFinding;
  first?: LeafKey;
  last?: LeafKey;
  /** The segment's part of the tree, from its stored leaf hashes (when asked for). */
  tree?: SegmentTree;
}

/** A perfect subtree, aligned on the whole tree, by its root (hex, to cross a thread). */
export interface SubtreeHex {
  hash: string;
  height: number;
}

/**
 * The stored leaf hashes of one segment as aligned subtrees (MerkleSegment), also as they stood
 * at each checkpoint size inside it, so that the tree is rebuilt, and every checkpoint checked,
 * by combining segments (TreeCheck.addSegment) instead of rehashing the leaves in one thread.
 */
export interface SegmentTree {
  from: number;
  /** Leaf rows read, in order; fewer than to - from when leaves are missing. */
  leaves: number;
  /** False when the rows skipped a leaf index: then the subtrees do not line up. */
  contiguous: boolean;
  /** At each requested size strictly inside the segment: the subtrees from `from` up to it. */
  at: { size: number; subtrees: SubtreeHex[] }[];
  subtrees: SubtreeHex[];
}

const toHex = (segment: MerkleSegment): SubtreeHex[] => segment.subtreesHex();

/** Streams leaves from ≤ index < to, at most limit, in order; resolves with how many. */
export type LeafSource = (
  from: number,
  to: number,
  limit: number,
  onRow: (row: LeafRow) => void,
) => Promise<number>;

/** Rows per query: bounds only the work wasted after a break, since rows are never kept. */
export const LEAF_BATCH = 100_000;

const keyOf = (row: LeafRow): LeafKey | undefined =>
  row.event
    ? {
        leaf: row.leafIndex,
        seq: row.event.seq,
        xid: row.event.xid,
        prevHash: row.event.prevHash,
        hash: row.event.hash,
      }
    : undefined;

/** Compares two non-negative decimal strings as numbers, without parsing them. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** (xid, seq) order of sealed events; chained events (no xid) come before all of them. */
export function commitOrderLess(a: LeafKey, b: LeafKey): boolean {
  if (a.xid === null || b.xid === null) return a.xid === null && b.xid !== null;
  const byXid = compareDecimal(a.xid, b.xid);
  return byXid < 0 || (byXid === 0 && compareDecimal(a.seq, b.seq) < 0);
}

/**
 * Checks one leaf against the one before it (undefined at a segment's start). Chained events
 * must be the old chain, in seq order, each linking to the previous; newer events must carry the
 * leaf hash they were sealed with and follow commit order.
 */
export function checkNeighbours(
  prev: LeafKey | undefined,
  next: LeafKey,
  origin: LogOrigin,
): LeafFinding | undefined {
  const seq = Number(next.seq);
  if (next.leaf < origin.chainedEvents) {
    if (next.xid !== null || seq !== next.leaf + 1) {
      return {
        leaf: next.leaf,
        seq,
        reason: `leaf ${next.leaf} should hold chained event ${next.leaf + 1}, not event ${seq}`,
      };
    }
    const expected = next.leaf === 0 ? GENESIS_HASH : prev?.hash;
    if (expected !== undefined && next.prevHash !== expected) {
      return {
        leaf: next.leaf,
        seq,
        reason: `event ${seq} does not link to the hash of event ${seq - 1}`,
      };
    }
    if (next.leaf === origin.chainedEvents - 1 && next.hash !== origin.chainLastHash) {
      return { leaf: next.leaf, seq, reason: `event ${seq} is not where the old chain ended` };
    }
    return undefined;
  }
  if (next.xid === null) {
    return { leaf: next.leaf, seq, reason: `leaf ${next.leaf} holds an event without its xid` };
  }
  if (prev && prev.leaf >= origin.chainedEvents && !commitOrderLess(prev, next)) {
    return {
      leaf: prev.leaf,
      seq: Number(prev.seq),
      reason: `leaves ${prev.leaf} and ${next.leaf} are out of commit order (reordered)`,
    };
  }
  return undefined;
}

/**
 * Recomputes each leaf of from..to-1 from its event's stored contents. With `treeSizes` (the
 * checkpoint sizes, ascending), it also hashes the segment's stored leaf hashes into its part of
 * the tree, reading on to the end of the segment even after a finding, since a checkpoint further
 * on may still be the earlier finding.
 */
export async function checkLeafSegment(
  source: LeafSource,
  from: number,
  to: number,
  origin: LogOrigin,
  batchSize = LEAF_BATCH,
  treeSizes?: readonly number[],
): Promise<LeafSegmentResult> {
  const result: LeafSegmentResult = { from, to, checked: 0 };
  let expected = from;
  let prev: LeafKey | undefined;
  let next = from; // the first leaf index not read yet
  const segment = treeSizes ? new MerkleSegment(from) : undefined;
  const tree: SegmentTree | undefined = segment
    ? { from, leaves: 0, contiguous: true, at: [], subtrees: [] }
    : undefined;
  const sizes = (treeSizes ?? []).filter((size) => size > from && size < to);
  let sizeAt = 0;
  const check = (row: LeafRow): void => {
    if (segment && tree) {
      if (row.leafIndex !== from + tree.leaves) tree.contiguous = false;
      if (sizeAt < sizes.length && sizes[sizeAt] === segment.end) {
        tree.at.push({ size: segment.end, subtrees: toHex(segment) });
        sizeAt++;
      }
      segment.appendHex(row.leafHash);
      tree.leaves++;
    }
    next = row.leafIndex + 1;
    if (result.broken) return; // after a finding, rows only feed the tree (or are drained)
    const key = keyOf(row); // undefined only when the event is gone, which checkRow reports
    const finding = checkRow(row, key, expected, prev, origin);
    if (finding) {
      result.broken = finding;
      // A pair out of order is reported at its first leaf, already counted as checked.
      result.checked = Math.max(0, finding.leaf - from);
      return;
    }
    result.first ??= key;
    result.last = key;
    prev = key;
    expected++;
    result.checked++;
  };
  while ((!result.broken || tree) && next < to) {
    const count = await source(next, to, batchSize, check);
    if (count === 0) break;
  }
  if (!result.broken && expected < to) {
    result.broken = { leaf: expected, reason: `leaf ${expected} is missing` };
  }
  if (segment && tree) {
    // A size at the segment's end is checked after the whole segment is appended.
    tree.subtrees = toHex(segment);
    if (sizeAt < sizes.length || tree.leaves !== to - from) tree.contiguous = false;
  }
  return tree ? { ...result, tree } : result;
}

function checkRow(
  row: LeafRow,
  key: LeafKey | undefined,
  expected: number,
  prev: LeafKey | undefined,
  origin: LogOrigin,
): LeafFinding | undefined {
  if (row.leafIndex !== expected) return { leaf: expected, reason: `leaf ${expected} is missing` };
  const event = row.event;
  const seq = Number(row.seq);
  if (!event) {
    return { leaf: expected, seq, reason: `event ${seq} of leaf ${expected} is missing (deleted)` };
  }
  const leaf = eventLeafHashHex(event);
  if (leaf !== row.leafHash) {
    return {
      leaf: expected,
      seq,
      reason: `event ${seq} does not match leaf ${expected} (contents altered)`,
    };
  }
  const chained = expected < origin.chainedEvents;
  const own = chained
    ? event.prevHash !== null && storedEventHash(event, event.prevHash) === event.hash
    : event.prevHash === null && event.hash === leaf;
  if (!own) {
    return { leaf: expected, seq, reason: `event ${seq} does not match its stored hash` };
  }
  return checkNeighbours(prev, key as LeafKey, origin);
}

/** What one walk over all the segments would have found first. */
export function combineLeafSegments(
  segments: LeafSegmentResult[],
  origin: LogOrigin,
): { checked: number; broken?: LeafFinding } {
  let checked = 0;
  let last: LeafKey | undefined;
  for (const segment of segments) {
    if (segment.first) {
      const finding = checkNeighbours(last, segment.first, origin);
      if (finding) return { checked: Math.max(0, finding.leaf), broken: finding };
    }
    if (segment.broken) return { checked: checked + segment.checked, broken: segment.broken };
    checked += segment.checked;
    last = segment.last ?? last;
  }
  return { checked };
}

export interface CheckpointFinding {
  /** The first leaf the failing checkpoint covers that the one before it did not. */
  fromLeaf: number;
  toLeaf: number;
  reason: string;
}

export interface OutsideCheckpointResult {
  treeSize: number;
  rootHash: string;
  consistent: boolean;
  reason?: string;
}

/**
 * Rebuilds the tree from the stored leaf hashes in order and checks each signed checkpoint (and
 * any checkpoint an auditor holds outside) against it: same root at its size, signed by this
 * log's key. Feed it every leaf hash, then call finish.
 */
export class TreeCheck {
  private readonly frontier = new MerkleFrontier();
  private readonly stored: Checkpoint[];
  private readonly outside: Checkpoint[];
  private storedAt = 0;
  private outsideAt = 0;
  private lastGoodStored = 0;
  private lastGoodOutside = 0;
  finding?: CheckpointFinding;
  outsideFinding?: CheckpointFinding;
  readonly outsideResults: OutsideCheckpointResult[] = [];

  constructor(
    private readonly publicKey: KeyObject,
    private readonly keyId: string,
    stored: Checkpoint[],
    outside: Checkpoint[] = [],
  ) {
    this.stored = [...stored].sort((a, b) => a.treeSize - b.treeSize);
    this.outside = [...outside].sort((a, b) => a.treeSize - b.treeSize);
    this.atSize();
  }

  get size(): number {
    return this.frontier.size;
  }

  add(leafHash: Buffer): void {
    this.frontier.append(leafHash);
    this.atSize();
  }

  /**
   * Appends a segment hashed elsewhere (checkLeafSegment), checking the checkpoints inside it at
   * the sizes it recorded. False, with nothing appended, when it does not line up (leaves are
   * missing, or it does not start where the tree ends): then feed the leaves one by one.
   */
  addSegment(tree: SegmentTree): boolean {
    if (!tree.contiguous || tree.from !== this.frontier.size) return false;
    for (const { size, subtrees } of tree.at) {
      const upTo = this.frontier.clone();
      appendSubtrees(upTo, subtrees);
      let root: Buffer | undefined;
      this.checkAt(size, () => (root ??= upTo.root()).toString('hex'));
    }
    appendSubtrees(this.frontier, tree.subtrees);
    this.atSize();
    return true;
  }

  /** After the last leaf: checkpoints beyond it cover leaves that are gone. */
  finish(): void {
    const size = this.frontier.size;
    for (; this.storedAt < this.stored.length; this.storedAt++) {
      const cp = this.stored[this.storedAt];
      this.finding ??= {
        fromLeaf: size,
        toLeaf: cp.treeSize,
        reason: `checkpoint ${cp.treeSize} covers leaves from ${size} on that are gone`,
      };
    }
    for (; this.outsideAt < this.outside.length; this.outsideAt++) {
      const cp = this.outside[this.outsideAt];
      const reason = `the log has ${size} leaves, fewer than checkpoint ${cp.treeSize} held outside`;
      this.outsideResults.push({ ...pick(cp), consistent: false, reason });
      this.outsideFinding ??= { fromLeaf: size, toLeaf: cp.treeSize, reason };
    }
  }

  private atSize(): void {
    let root: Buffer | undefined;
    this.checkAt(this.frontier.size, () => (root ??= this.frontier.root()).toString('hex'));
  }

  /** Checks the checkpoints of this size against the tree's root at it; sizes come ascending. */
  private checkAt(size: number, rootHex: () => string): void {
    while (this.storedAt < this.stored.length && this.stored[this.storedAt].treeSize === size) {
      const cp = this.stored[this.storedAt++];
      const problem = this.problem(cp, rootHex());
      if (problem && !this.finding) {
        this.finding = {
          fromLeaf: this.lastGoodStored,
          toLeaf: size,
          reason: `checkpoint ${size}: ${problem}`,
        };
      } else if (!problem) {
        this.lastGoodStored = size;
      }
    }
    while (this.outsideAt < this.outside.length && this.outside[this.outsideAt].treeSize === size) {
      const cp = this.outside[this.outsideAt++];
      const problem = this.problem(cp, rootHex());
      const reason = problem ? `checkpoint ${size} held outside: ${problem}` : undefined;
      this.outsideResults.push({
        ...pick(cp),
        consistent: !problem,
        ...(reason ? { reason } : {}),
      });
      if (reason && !this.outsideFinding) {
        this.outsideFinding = { fromLeaf: this.lastGoodOutside, toLeaf: size, reason };
      } else if (!problem) {
        this.lastGoodOutside = size;
      }
    }
  }

  private problem(cp: Checkpoint, rootHex: string): string | undefined {
    if (cp.keyId !== this.keyId || !checkpointSignatureValid(this.publicKey, cp)) {
      return `not signed by this log's key (${this.keyId})`;
    }
    if (cp.rootHash !== rootHex) {
      return 'the leaves no longer give its root (history was rewritten)';
    }
    return undefined;
  }
}

const pick = (cp: Checkpoint) => ({ treeSize: cp.treeSize, rootHash: cp.rootHash });

function appendSubtrees(frontier: MerkleFrontier, subtrees: SubtreeHex[]): void {
  for (const { hash, height } of subtrees) frontier.appendSubtree(Buffer.from(hash, 'hex'), height);
}
