import { createHash } from 'node:crypto';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  MerkleSegment,
  nodeHash,
  nodeHashHex,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

const leaves = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`event ${i}`)));
const flipped = (hash: Buffer): Buffer => {
  const copy = Buffer.from(hash);
  copy[0] ^= 1;
  return copy;
};

describe('RFC 6962 Merkle tree', () => {
  it('hashes leaves and nodes with their domain prefixes', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    expect(leafHash(Buffer.from('a'))).toEqual(sha(Buffer.from([0]), Buffer.from('a')));
    const [a, b] = leaves(2);
    expect(nodeHash(a, b)).toEqual(sha(Buffer.from([1]), a, b));
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('splits at the largest power of two below the size', () => {
    const [a, b, c, d, e] = leaves(5);
    expect(subtreeRoot([a, b, c, d, e])).toEqual(
      nodeHash(nodeHash(nodeHash(a, b), nodeHash(c, d)), e),
    );
    expect(subtreeRoot([a, b, c])).toEqual(nodeHash(nodeHash(a, b), c));
  });

  it('keeps the same root in the frontier as over all the leaves, at every size', () => {
    const all = leaves(70);
    const frontier = new MerkleFrontier();
    expect(frontier.root()).toEqual(EMPTY_ROOT);
    all.forEach((leaf, i) => {
      frontier.append(leaf);
      expect(frontier.size).toBe(i + 1);
      expect(frontier.root()).toEqual(subtreeRoot(all, 0, i + 1));
    });
  });

  it('hashes nodes in hex as nodeHash does, damaged (not 32-byte) hashes included', () => {
    const [a, b] = leaves(2);
    const hex = (buffer: Buffer) => buffer.toString('hex');
    expect(nodeHashHex(hex(a), hex(b))).toBe(hex(nodeHash(a, b)));
    // Reuses its input buffer: a short hash must not pick up bytes of the previous call.
    for (const [left, right] of [
      [hex(a).slice(0, 10), hex(b)],
      [hex(a), hex(b).slice(0, 62)],
      ['', 'zz'],
      [hex(a) + 'ab', hex(b)],
    ]) {
      expect(nodeHashHex(left, right)).toBe(
        hex(nodeHash(Buffer.from(left, 'hex'), Buffer.from(right, 'hex'))),
      );
    }
  });

  it('gives the same segment from leaves in hex as from Buffers', () => {
    const all = leaves(21);
    const fromBuffers = new MerkleSegment(3);
    const fromHex = new MerkleSegment(3);
    for (const leaf of all) {
      fromBuffers.append(leaf);
      fromHex.appendHex(leaf.toString('hex'));
    }
    expect(fromHex.subtrees()).toEqual(fromBuffers.subtrees());
    expect(fromHex.subtreesHex()).toEqual(
      fromBuffers.subtrees().map(({ hash, height }) => ({ hash: hash.toString('hex'), height })),
    );
  });

  it('combines segments hashed apart into the same tree, wherever the cuts fall', () => {
    const all = leaves(45);
    for (let cut = 0; cut <= all.length; cut++) {
      for (let end = cut; end <= all.length; end++) {
        const segment = new MerkleSegment(cut);
        for (let i = cut; i < end; i++) segment.append(all[i]);
        expect(segment.end).toBe(end);
        const frontier = new MerkleFrontier();
        for (let i = 0; i < cut; i++) frontier.append(all[i]);
        for (const { hash, height } of segment.subtrees()) frontier.appendSubtree(hash, height);
        expect(frontier.size).toBe(end);
        expect(frontier.root()).toEqual(subtreeRoot(all, 0, end));
      }
    }
    const frontier = new MerkleFrontier();
    frontier.append(all[0]);
    expect(() => frontier.appendSubtree(all[1], 1)).toThrow(RangeError);
  });

  it('proves every leaf of every tree up to 40 leaves, and refuses tampered proofs', () => {
    const all = leaves(40);
    for (let n = 1; n <= all.length; n++) {
      const root = subtreeRoot(all, 0, n);
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(all, m, n);
        expect(verifyInclusion(all[m], m, n, proof, root)).toBe(true);
        expect(verifyInclusion(flipped(all[m]), m, n, proof, root)).toBe(false);
        expect(verifyInclusion(all[m], m, n, proof, flipped(root))).toBe(false);
        if (proof.length > 0) {
          const bad = proof.map((p, i) => (i === proof.length - 1 ? flipped(p) : p));
          expect(verifyInclusion(all[m], m, n, bad, root)).toBe(false);
          expect(verifyInclusion(all[m], m, n, proof.slice(1), root)).toBe(false);
        }
        if (n > 1) expect(verifyInclusion(all[m], (m + 1) % n, n, proof, root)).toBe(false);
      }
    }
  });

  it('proves every tree a prefix of every larger one up to 40 leaves, and refuses tampering', () => {
    const all = leaves(40);
    for (let n = 1; n <= all.length; n++) {
      const second = subtreeRoot(all, 0, n);
      for (let m = 1; m <= n; m++) {
        const first = subtreeRoot(all, 0, m);
        const proof = consistencyProof(all, m, n);
        expect(verifyConsistency(m, n, proof, first, second)).toBe(true);
        expect(verifyConsistency(m, n, proof, flipped(first), second)).toBe(false);
        expect(verifyConsistency(m, n, proof, first, flipped(second))).toBe(false);
        if (proof.length > 0) {
          expect(
            verifyConsistency(m, n, [flipped(proof[0]), ...proof.slice(1)], first, second),
          ).toBe(false);
        }
      }
    }
  });

  it('matches the RFC 9162 shape of a proof: tree of 7, leaf 3 and prefix 3', () => {
    const all = leaves(7);
    const [a, b, c, d, e, f, g] = all;
    expect(inclusionProof(all, 3)).toEqual([c, nodeHash(a, b), nodeHash(nodeHash(e, f), g)]);
    expect(consistencyProof(all, 3)).toEqual([c, d, nodeHash(a, b), nodeHash(nodeHash(e, f), g)]);
    expect(consistencyProof(all, 4)).toEqual([nodeHash(nodeHash(e, f), g)]);
  });

  it('refuses proofs for leaves or sizes outside the tree', () => {
    const all = leaves(4);
    expect(() => inclusionProof(all, 4, 4)).toThrow(RangeError);
    expect(() => consistencyProof(all, 0, 4)).toThrow(RangeError);
    expect(() => consistencyProof(all, 3, 5)).toThrow(RangeError);
  });
});
