import { combineSegments, splitRange } from './audit-verify-parallel';
import { VerifyResult } from './audit-verify';

const sound = (fromSeq: number, toSeq: number): VerifyResult => ({
  ok: true,
  checked: toSeq - fromSeq + 1,
  fromSeq,
  toSeq,
  lastHash: `h${toSeq}`,
});

describe('parallel verification', () => {
  it('splits a range into contiguous segments covering it exactly', () => {
    expect(splitRange({ fromSeq: 1, toSeq: 10 }, 3)).toEqual([
      { fromSeq: 1, toSeq: 4 },
      { fromSeq: 5, toSeq: 8 },
      { fromSeq: 9, toSeq: 10 },
    ]);
    expect(splitRange({ fromSeq: 7, toSeq: 7 }, 4)).toEqual([{ fromSeq: 7, toSeq: 7 }]);
  });

  it('answers as one walk would: all sound, with the head hash', () => {
    const range = { fromSeq: 1, toSeq: 10 };
    expect(combineSegments(range, [sound(1, 4), sound(5, 8), sound(9, 10)])).toEqual({
      ok: true,
      checked: 10,
      fromSeq: 1,
      toSeq: 10,
      lastHash: 'h10',
    });
  });

  it('reports the first broken segment, counting the events checked before it', () => {
    const range = { fromSeq: 1, toSeq: 12 };
    const broken = (seq: number, checked: number, from: number, to: number): VerifyResult => ({
      ok: false,
      checked,
      fromSeq: from,
      toSeq: to,
      firstBrokenSeq: seq,
      reason: `event ${seq} is missing`,
    });
    expect(combineSegments(range, [sound(1, 4), broken(6, 1, 5, 8), broken(10, 1, 9, 12)])).toEqual(
      {
        ok: false,
        checked: 5,
        fromSeq: 1,
        toSeq: 12,
        firstBrokenSeq: 6,
        reason: 'event 6 is missing',
      },
    );
  });
});
