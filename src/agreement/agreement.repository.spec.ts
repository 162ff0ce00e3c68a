import { decodePairGroups } from './agreement.repository';
import { Choice } from './evaluated-pairs';

/** One set as SQL packs it (int4send/int2send: big-endian). */
function packed(
  position: number,
  tenthsA: number,
  tenthsB: number,
  month: number,
  flags: number,
): Buffer {
  const bytes = Buffer.alloc(14);
  bytes.writeInt32BE(position, 0);
  bytes.writeInt16BE(tenthsA, 4);
  bytes.writeInt16BE(tenthsB, 6);
  bytes.writeInt32BE(month, 8);
  bytes.writeInt16BE(flags, 12);
  return bytes;
}

describe('decodePairGroups', () => {
  it('puts every set back at its position, with sorted raters and months', () => {
    const march = 2026 * 12 + 2;
    const april = march + 1;
    const pairs = decodePairGroups([
      {
        raterA: 'r2',
        raterB: 'r1',
        sets: Buffer.concat([
          packed(2, 259, 0, april, 1 + 2 * Choice.b),
          packed(0, 1000, 5, march, 0),
        ]),
      },
      { raterA: 'r1', raterB: 'r3', sets: packed(1, 33, 34, march, 1 + 2 * Choice.own) },
    ]);
    expect(pairs.count).toBe(3);
    expect(pairs.raterIds).toEqual(['r1', 'r2', 'r3']);
    expect(pairs.months).toEqual(['2026-03', '2026-04']);
    expect([...pairs.raterA]).toEqual([1, 0, 1]);
    expect([...pairs.raterB]).toEqual([0, 2, 0]);
    // The same doubles as the numeric's text parsed.
    expect([...pairs.saltA]).toEqual([100, 3.3, 25.9]);
    expect([...pairs.saltB]).toEqual([0.5, 3.4, 0]);
    expect([...pairs.month]).toEqual([0, 0, 1]);
    expect([...pairs.discordant]).toEqual([0, 1, 1]);
    expect([...pairs.choice]).toEqual([Choice.none, Choice.own, Choice.b]);
  });

  it('reads an empty study as no pairs', () => {
    expect(decodePairGroups([])).toMatchObject({ count: 0, raterIds: [], months: [] });
  });
});
