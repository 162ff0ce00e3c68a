import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 / RFC 9162 §2.1: pure functions over leaf hashes (32-byte Buffers),
 * without I/O, so the log, its verifier and any outside auditor compute the same thing.
 *
 * leaf hash = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right); the tree of n leaves
 * splits at k, the largest power of two smaller than n.
 */

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

export function leafHash(data: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

// One-shot hashing (Node ≥ 20.12) is several times cheaper than a Hash object per node, and the
// verifier hashes two nodes per leaf.
export const nodeHash: (left: Buffer, right: Buffer) => Buffer =
  typeof oneShotHash === 'function'
    ? (left, right) =>
        oneShotHash('sha256', Buffer.concat([NODE_PREFIX, left, right], 65), 'buffer')
    : (left, right) => createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();

// nodeHash over hex, into one reused input buffer and out as hex: MerkleSegment hashes a node
// per leaf of a million, and a Buffer per hash (ArrayBuffer allocation, then its collection)
// measured about twice the cost of the digest itself.
const NODE_INPUT = Buffer.alloc(65, 1);
const digestHex: (data: Buffer) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** nodeHash of two hashes in hex, in hex: the same digest whatever the strings hold. */
export function nodeHashHex(left: string, right: string): string {
  if (NODE_INPUT.write(left, 1, 'hex') !== 32 || NODE_INPUT.write(right, 33, 'hex') !== 32) {
    // Not two 32-byte hashes (a damaged stored leaf): hash them as Buffer.from reads them.
    return nodeHash(Buffer.from(left, 'hex'), Buffer.from(right, 'hex')).toString('hex');
  }
  return digestHex(NODE_INPUT);
}

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT = createHash('sha256').digest();

/** The largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[from:to]) of RFC 9162 §2.1.1, recursively over the leaf hashes. */
export function subtreeRoot(leaves: readonly Buffer[], from = 0, to = leaves.length): Buffer {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from];
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
}

/**
 * The tree's right edge: the roots of its perfect subtrees, largest first (one per set bit of
 * the size). Appending is amortised one hash per leaf, and the root of the whole tree is at most
 * log₂ n hashes away, so the sealer and the verifier never hold the leaves themselves.
 */
export class MerkleFrontier {
  private readonly roots: Buffer[] = [];
  private readonly heights: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  clone(): MerkleFrontier {
    const copy = new MerkleFrontier();
    copy.roots.push(...this.roots);
    copy.heights.push(...this.heights);
    copy.count = this.count;
    return copy;
  }

  append(leaf: Buffer): void {
    this.appendSubtree(leaf, 0);
  }

  /**
   * Appends a whole perfect subtree of 2^height leaves (its root), as a MerkleSegment hands it
   * over: the tree's size must be a multiple of 2^height, which holds when the subtree is aligned
   * on the whole tree and follows on directly.
   */
  appendSubtree(subtreeRoot: Buffer, height: number): void {
    const leaves = 2 ** height;
    if (this.count % leaves !== 0) {
      throw new RangeError(`a subtree of ${leaves} leaves cannot follow ${this.count} leaves`);
    }
    let hash = subtreeRoot;
    let h = height;
    while (this.heights.length > 0 && this.heights[this.heights.length - 1] === h) {
      hash = nodeHash(this.roots.pop() as Buffer, hash);
      this.heights.pop();
      h++;
    }
    this.roots.push(hash);
    this.heights.push(h);
    this.count += leaves;
  }

  root(): Buffer {
    if (this.roots.length === 0) return EMPTY_ROOT;
    let hash = this.roots[this.roots.length - 1];
    for (let i = this.roots.length - 2; i >= 0; i--) hash = nodeHash(this.roots[i], hash);
    return hash;
  }
}

/** A perfect subtree of 2^height leaves, by its root. */
export interface Subtree {
  hash: Buffer;
  height: number;
}

/**
 * The leaves from index `start` on, as the perfect subtrees that are aligned on the whole tree
 * (a subtree of 2^h leaves starts at a multiple of 2^h), so that a tree of exactly `start`
 * leaves becomes the tree of `end` leaves by appending them in order (MerkleFrontier
 * .appendSubtree). Contiguous ranges of a long log can thus be hashed in parallel, each to at
 * most about 2·log₂ n subtrees, and combined at the cost of those few hashes.
 */
export class MerkleSegment {
  // The subtrees, in hex (see nodeHashHex), as parallel stacks rather than an object each.
  private readonly hashes: string[] = [];
  private readonly heights: number[] = [];
  private position: number;

  constructor(readonly start: number) {
    this.position = start;
  }

  /** The index after the last leaf. */
  get end(): number {
    return this.position;
  }

  append(leaf: Buffer): void {
    this.appendHex(leaf.toString('hex'));
  }

  /** append, for a leaf hash in hex (as the verifier reads them). */
  appendHex(leaf: string): void {
    let hash = leaf;
    let height = 0;
    let at = this.position; // where the subtree being placed starts
    for (let top = this.hashes.length - 1; top >= 0; top--) {
      const width = 2 ** height;
      // Merge with the equal subtree just before it only if the pair is aligned one level up.
      if (this.heights[top] !== height || (at - width) % (2 * width) !== 0) break;
      hash = nodeHashHex(this.hashes.pop() as string, hash);
      this.heights.pop();
      at -= width;
      height++;
    }
    this.hashes.push(hash);
    this.heights.push(height);
    this.position++;
  }

  /** The subtrees covering start..end-1, in order (a copy: appending goes on). */
  subtrees(): Subtree[] {
    return this.hashes.map((hash, i) => ({
      hash: Buffer.from(hash, 'hex'),
      height: this.heights[i],
    }));
  }

  /** subtrees, with their roots in hex. */
  subtreesHex(): { hash: string; height: number }[] {
    return this.hashes.map((hash, i) => ({ hash, height: this.heights[i] }));
  }
}

/** PATH(m, D[0:n]) of RFC 9162 §2.1.3.1: the audit path of leaf m in the tree of size n. */
export function inclusionProof(leaves: readonly Buffer[], m: number, n = leaves.length): Buffer[] {
  if (!(m >= 0 && m < n && n <= leaves.length)) {
    throw new RangeError(`no leaf ${m} in a tree of size ${n}`);
  }
  const path = (index: number, from: number, to: number): Buffer[] => {
    const size = to - from;
    if (size === 1) return [];
    const k = splitPoint(size);
    return index < k
      ? [...path(index, from, from + k), subtreeRoot(leaves, from + k, to)]
      : [...path(index - k, from + k, to), subtreeRoot(leaves, from, from + k)];
  };
  return path(m, 0, n);
}

/** PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1: that the tree of size m is a prefix of size n. */
export function consistencyProof(
  leaves: readonly Buffer[],
  m: number,
  n = leaves.length,
): Buffer[] {
  if (!(m > 0 && m <= n && n <= leaves.length)) {
    throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  }
  const subproof = (size: number, from: number, to: number, whole: boolean): Buffer[] => {
    const span = to - from;
    if (size === span) return whole ? [] : [subtreeRoot(leaves, from, to)];
    const k = splitPoint(span);
    return size <= k
      ? [...subproof(size, from, from + k, whole), subtreeRoot(leaves, from + k, to)]
      : [...subproof(size - k, from + k, to, false), subtreeRoot(leaves, from, from + k)];
  };
  return subproof(m, 0, n, true);
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `index` with this hash in the tree of size n? */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  treeSize: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!(index >= 0 && index < treeSize)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (m, firstRoot) is a prefix of (n, secondRoot)? */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Buffer[],
  firstRoot: Buffer,
  secondRoot: Buffer,
): boolean {
  if (!(m > 0 && m <= n)) return false;
  if (m === n) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [firstRoot, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  let rest = n;
  while (rest > 1 && rest % 2 === 0) rest /= 2;
  return rest === 1;
}
