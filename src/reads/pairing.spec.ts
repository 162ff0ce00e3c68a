import { chooseBatchPairs, choosePair, chooseReplacement, leastLoaded, RaterLoad } from './pairing';

const load = (entries: Record<string, number>): RaterLoad[] =>
  Object.entries(entries).map(([raterId, openTasks]) => ({ raterId, openTasks }));

function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('choosePair', () => {
  it('needs two eligible raters', () => {
    expect(choosePair({ mode: 'per-set', eligible: [] })).toBeNull();
    expect(choosePair({ mode: 'per-set', eligible: load({ a: 0 }) })).toBeNull();
  });

  it('per-set: picks the two least-loaded', () => {
    const pair = choosePair({ mode: 'per-set', eligible: load({ a: 5, b: 1, c: 0, d: 3 }) });
    expect(new Set(pair)).toEqual(new Set(['b', 'c']));
  });

  it('per-set ignores the subject pair', () => {
    const pair = choosePair({
      mode: 'per-set',
      eligible: load({ a: 5, b: 1, c: 0, d: 9 }),
      subjectPair: ['a', 'd'],
    });
    expect(new Set(pair)).toEqual(new Set(['b', 'c']));
  });

  it('per-subject: reuses the subject pair while both are eligible, whatever their load', () => {
    const pair = choosePair({
      mode: 'per-subject',
      eligible: load({ a: 5, b: 1, c: 0, d: 9 }),
      subjectPair: ['a', 'd'],
    });
    expect(new Set(pair)).toEqual(new Set(['a', 'd']));
  });

  it('per-subject: falls back to the two least-loaded once one of the pair is gone', () => {
    const pair = choosePair({
      mode: 'per-subject',
      eligible: load({ a: 5, b: 1, c: 0 }),
      subjectPair: ['a', 'd'],
    });
    expect(new Set(pair)).toEqual(new Set(['b', 'c']));
  });

  it('per-subject without history behaves like per-set', () => {
    const pair = choosePair({ mode: 'per-subject', eligible: load({ a: 2, b: 2, c: 0 }) });
    expect(pair).toContain('c');
  });

  it('breaks ties at random and randomises the slot order', () => {
    const seen = new Set<string>();
    const firsts = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const pair = choosePair({ mode: 'per-set', eligible: load({ a: 0, b: 0, c: 0, d: 0 }) });
      expect(pair).not.toBeNull();
      expect(pair![0]).not.toBe(pair![1]);
      seen.add([...pair!].sort().join(''));
      firsts.add(pair![0]);
    }
    expect(seen.size).toBe(6);
    expect(firsts.size).toBe(4);
  });

  it('is deterministic under an injected random source', () => {
    const random = sequence([0.9, 0.1, 0.5, 0.3, 0.7]);
    const pair = choosePair({ mode: 'per-set', eligible: load({ a: 0, b: 0, c: 0 }), random });
    // tie-breaks a .9, b .1, c .5 → b, c; then .3 < .5 keeps the order.
    expect(pair).toEqual(['b', 'c']);
  });
});

describe('leastLoaded and chooseReplacement', () => {
  it('orders by open tasks', () => {
    expect(leastLoaded(load({ a: 3, b: 0, c: 1 })).map((r) => r.raterId)).toEqual(['b', 'c', 'a']);
  });

  it('never replaces with someone already on the set', () => {
    expect(chooseReplacement(load({ a: 0, b: 0, c: 4 }), new Set(['a', 'b']))).toBe('c');
    expect(chooseReplacement(load({ a: 0 }), new Set(['a']))).toBeNull();
  });
});

describe('chooseBatchPairs', () => {
  const sets = (...subjects: string[]) =>
    subjects.map((subjectId, index) => ({ photoSetId: `set-${index}`, subjectId }));

  it('spreads a per-set batch over the pool as set-by-set assignment would', () => {
    const chosen = chooseBatchPairs({
      mode: 'per-set',
      eligible: load({ a: 0, b: 0, c: 0, d: 0 }),
      sets: sets('s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'),
      subjectPairs: new Map(),
    });
    expect(chosen.map((entry) => entry.photoSetId)).toEqual(
      Array.from({ length: 8 }, (_, i) => `set-${i}`),
    );
    const counts = new Map<string, number>();
    for (const { pair } of chosen) {
      expect(pair[0]).not.toBe(pair[1]);
      for (const rater of pair) counts.set(rater, (counts.get(rater) ?? 0) + 1);
    }
    // 16 tasks over 4 raters who started level: the batch's own tasks count as load.
    expect([...counts.values()]).toEqual([4, 4, 4, 4]);
  });

  it('counts the open tasks raters held before the batch', () => {
    const chosen = chooseBatchPairs({
      mode: 'per-set',
      eligible: load({ a: 3, b: 3, c: 0, d: 0 }),
      sets: sets('s1', 's2', 's3'),
      subjectPairs: new Map(),
    });
    // c and d take the first three sets (loads 3, 3); only then are all four level.
    expect(chosen.slice(0, 3).map(({ pair }) => [...pair].sort().join(''))).toEqual([
      'cd',
      'cd',
      'cd',
    ]);
  });

  it('per-subject: keeps an earlier pair, and gives a new subject one pair for all its sets', () => {
    const chosen = chooseBatchPairs({
      mode: 'per-subject',
      eligible: load({ a: 9, b: 0, c: 0, d: 9 }),
      sets: sets('old', 'new', 'old', 'new', 'new'),
      subjectPairs: new Map([['old', ['a', 'd'] as [string, string]]]),
    });
    const pairOf = (index: number) => [...chosen[index].pair].sort().join('');
    expect([0, 2].map(pairOf)).toEqual(['ad', 'ad']);
    expect([1, 3, 4].map(pairOf)).toEqual(['bc', 'bc', 'bc']);
  });

  it('per-subject: a new subject in the batch sees the load the batch already gave', () => {
    const chosen = chooseBatchPairs({
      mode: 'per-subject',
      eligible: load({ a: 0, b: 0, c: 0, d: 0 }),
      sets: sets('x', 'y'),
      subjectPairs: new Map(),
    });
    expect(new Set([...chosen[0].pair, ...chosen[1].pair]).size).toBe(4);
  });

  it('is empty without two eligible raters', () => {
    expect(
      chooseBatchPairs({
        mode: 'per-set',
        eligible: load({ a: 0 }),
        sets: sets('s1'),
        subjectPairs: new Map(),
      }),
    ).toEqual([]);
  });
});
