import { judgeRound } from './qualification';

const RULE = { maxMeanAbsError: 5, minWithinPercent: 80, maxDifference: 10 };

describe('judgeRound', () => {
  it('passes when the mean absolute error and the share within maxDifference both hold', () => {
    const verdict = judgeRound(
      [
        { salt: 22, referenceSalt: 20 },
        { salt: 40, referenceSalt: 45 },
        { salt: 70, referenceSalt: 70 },
        { salt: 10.5, referenceSalt: 5.5 },
        { salt: 90, referenceSalt: 88 },
      ],
      RULE,
    );
    expect(verdict).toEqual({ passed: true, meanAbsError: 2.8, withinPercent: 100, n: 5 });
  });

  it('fails on a large mean error, or on too few reads within the margin', () => {
    expect(judgeRound([{ salt: 50, referenceSalt: 20 }], RULE).passed).toBe(false);
    // Mean error 4.4 ≤ 5 but one read of five (20%) is 11 points out: 80% within, still passes;
    // two out of five (60%) fails although the mean error is small.
    const oneOut = judgeRound(
      [
        { salt: 31, referenceSalt: 20 },
        ...[1, 2, 3, 4].map(() => ({ salt: 50, referenceSalt: 47 })),
      ],
      RULE,
    );
    expect(oneOut).toMatchObject({ passed: true, withinPercent: 80, meanAbsError: 4.6 });
    const twoOut = judgeRound(
      [
        { salt: 31, referenceSalt: 20 },
        { salt: 9, referenceSalt: 20 },
        ...[1, 2, 3].map(() => ({ salt: 50, referenceSalt: 50 })),
      ],
      RULE,
    );
    expect(twoOut).toMatchObject({ passed: false, withinPercent: 60, meanAbsError: 4.4 });
  });

  it('counts a difference of exactly maxDifference as within, in whole tenths', () => {
    expect(judgeRound([{ salt: 30.1, referenceSalt: 20.1 }], RULE).withinPercent).toBe(100);
    expect(judgeRound([{ salt: 30.2, referenceSalt: 20.1 }], RULE).withinPercent).toBe(0);
  });

  it('refuses an empty round', () => {
    expect(() => judgeRound([], RULE)).toThrow(RangeError);
  });
});
