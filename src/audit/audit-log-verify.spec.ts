import { generateKeyPairSync } from 'node:crypto';
import { Checkpoint, keyIdOf, signCheckpoint } from './audit-checkpoint';
import { eventHash, eventLeafHashHex, GENESIS_HASH, HashedEvent } from './audit-hash';
import { LeafRow, StoredEvent } from './audit-log-reader';
import {
  checkLeafSegment,
  combineLeafSegments,
  LeafSource,
  LogOrigin,
  TreeCheck,
} from './audit-log-verify';
import { MerkleFrontier } from './merkle';

const CHAINED = 3;

function hashed(seq: number): HashedEvent {
  return {
    seq: String(seq),
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actorId: null,
    actorName: 'system',
    actorRole: 'system',
    action: 'read.submitted',
    entityType: 'read-task',
    entityId: `task-${seq}`,
    studyId: null,
    before: null,
    after: { n: seq },
    reason: null,
    requestId: null,
    ip: null,
    userAgent: null,
  };
}

/** A log of `size` leaves: CHAINED chained events, then events of increasing xid. */
function log(size: number): { rows: LeafRow[]; origin: LogOrigin } {
  const rows: LeafRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < size; i++) {
    const base = hashed(i + 1);
    let event: StoredEvent;
    if (i < CHAINED) {
      const hash = eventHash(base, prev);
      event = { ...base, prevHash: prev, hash, xid: null };
      prev = hash;
    } else {
      event = { ...base, prevHash: null, hash: eventLeafHashHex(base), xid: String(900 + i) };
    }
    rows.push({ leafIndex: i, leafHash: eventLeafHashHex(base), seq: base.seq, event });
  }
  return { rows, origin: { chainedEvents: CHAINED, chainLastHash: prev } };
}

const sourceOf =
  (rows: LeafRow[]): LeafSource =>
  (from, to, limit, onRow) => {
    const batch = rows.filter((r) => r.leafIndex >= from && r.leafIndex < to).slice(0, limit);
    batch.forEach(onRow);
    return Promise.resolve(batch.length);
  };

/** Verifies in `segments` contiguous parts, as the worker threads do, and combines. */
async function verify(rows: LeafRow[], origin: LogOrigin, size: number, segments: number) {
  const step = Math.ceil(size / segments);
  const parts = [];
  for (let from = 0; from < size; from += step) {
    parts.push(
      await checkLeafSegment(sourceOf(rows), from, Math.min(size, from + step), origin, 2),
    );
  }
  return combineLeafSegments(parts, origin);
}

describe('checking leaves against their events', () => {
  it('finds a sound log sound, whole or in segments', async () => {
    const { rows, origin } = log(10);
    for (const segments of [1, 2, 3, 10]) {
      expect(await verify(rows, origin, 10, segments)).toEqual({ checked: 10 });
    }
  });

  it.each([1, 2, 3, 10])(
    'finds each kind of tampering at its leaf, in %i segments',
    async (segments) => {
      const cases: [string, (rows: LeafRow[]) => LeafRow[], number, RegExp][] = [
        [
          'modified',
          (rows) =>
            rows.map((r) =>
              r.leafIndex === 6 ? { ...r, event: { ...r.event!, after: { n: 0 } } } : r,
            ),
          6,
          /contents altered/,
        ],
        [
          'deleted',
          (rows) => rows.map((r) => (r.leafIndex === 5 ? { ...r, event: null } : r)),
          5,
          /deleted/,
        ],
        ['leaf removed', (rows) => rows.filter((r) => r.leafIndex !== 4), 4, /leaf 4 is missing/],
        [
          'reordered',
          (rows) =>
            rows.map((r) =>
              r.leafIndex === 6
                ? { ...rows[7], leafIndex: 6 }
                : r.leafIndex === 7
                  ? { ...rows[6], leafIndex: 7 }
                  : r,
            ),
          6,
          /out of commit order/,
        ],
        [
          'chained event re-hashed',
          (rows) =>
            rows.map((r) => {
              if (r.leafIndex !== 1) return r;
              const base = { ...hashed(2), actorName: 'Someone Else' };
              const event = {
                ...base,
                prevHash: r.event!.prevHash,
                hash: eventHash(base, r.event!.prevHash!),
                xid: null,
              };
              return { ...r, leafHash: eventLeafHashHex(base), event };
            }),
          2,
          /does not link/,
        ],
      ];
      for (const [name, tamper, leaf, reason] of cases) {
        const { rows, origin } = log(10);
        const result = await verify(tamper(rows), origin, 10, segments);
        expect({ name, leaf: result.broken?.leaf }).toEqual({ name, leaf });
        expect(result.broken?.reason).toMatch(reason);
        expect(result.checked).toBe(leaf);
      }
    },
  );
});

describe('rebuilding the tree from segments', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = keyIdOf(publicKey);
  const { rows, origin } = log(23);
  const roots: string[] = [];
  const frontier = new MerkleFrontier();
  for (const row of rows) {
    frontier.append(Buffer.from(row.leafHash, 'hex'));
    roots.push(frontier.root().toString('hex'));
  }
  const checkpoint = (size: number, rootHash = roots[size - 1]): Checkpoint =>
    signCheckpoint(privateKey, { treeSize: size, rootHash, signedAt: '2026-01-01T00:00:00.000Z' });
  const stored = [1, 4, 5, 8, 13, 16, 17, 22, 23].map((size) => checkpoint(size));
  const outside = [checkpoint(8), checkpoint(12, roots[0]), checkpoint(30, roots[0])];

  /** What the checkpoints come to when the tree is combined from `segments` parts. */
  async function bySegments(leaves: LeafRow[], segments: number) {
    const sizes = [...new Set([...stored, ...outside].map((cp) => cp.treeSize))].sort(
      (a, b) => a - b,
    );
    const tree = new TreeCheck(publicKey, keyId, stored, outside);
    const step = Math.ceil(23 / segments);
    for (let from = 0; from < 23; from += step) {
      const part = await checkLeafSegment(
        sourceOf(leaves),
        from,
        Math.min(23, from + step),
        origin,
        3,
        sizes,
      );
      if (!tree.addSegment(part.tree!)) return 'does not line up';
    }
    tree.finish();
    return [tree.finding, tree.outsideFinding, tree.outsideResults];
  }

  function oneByOne(leaves: LeafRow[]) {
    const tree = new TreeCheck(publicKey, keyId, stored, outside);
    for (const row of leaves) tree.add(Buffer.from(row.leafHash, 'hex'));
    tree.finish();
    return [tree.finding, tree.outsideFinding, tree.outsideResults];
  }

  it('checks every checkpoint exactly as leaf by leaf, wherever the segments are cut', async () => {
    const altered = rows.map((r) => (r.leafIndex === 14 ? { ...r, leafHash: 'ab'.repeat(32) } : r));
    for (const leaves of [rows, altered]) {
      const expected = oneByOne(leaves);
      for (const segments of [1, 2, 3, 5, 23]) {
        expect(await bySegments(leaves, segments)).toEqual(expected);
      }
    }
    const [finding, outsideFinding] = oneByOne(altered) as [{ fromLeaf: number }, unknown];
    expect(finding.fromLeaf).toBe(13);
    expect(outsideFinding).toBeDefined();
  });

  it('says when segments do not line up because a leaf is missing', async () => {
    const gap = rows.filter((r) => r.leafIndex !== 9);
    expect(await bySegments(gap, 3)).toBe('does not line up');
  });
});
