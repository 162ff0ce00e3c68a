import { evaluatePair } from './discordance';

const charter = { maxDifference: 10, thresholds: [20] };

describe('evaluatePair', () => {
  it('concordant: final is the mean, half-up', () => {
    expect(evaluatePair(42.2, 45.1, charter)).toEqual({
      difference: 2.9,
      rulesFired: [],
      discordant: false,
      concordantMean: 43.7,
    });
    expect(evaluatePair(30, 30.1, charter).concordantMean).toBe(30.1);
  });

  it('a difference of exactly maxDifference is still concordant', () => {
    const result = evaluatePair(30, 40, charter);
    expect(result.rulesFired).toEqual([]);
    expect(result.concordantMean).toBe(35);
  });

  it('|A − B| > maxDifference fires max-difference', () => {
    const result = evaluatePair(30, 40.1, charter);
    expect(result).toMatchObject({
      difference: 10.1,
      rulesFired: ['max-difference'],
      discordant: true,
      concordantMean: null,
    });
  });

  it('19 vs 22 across the 20 threshold fires threshold only', () => {
    expect(evaluatePair(19, 22, charter)).toMatchObject({
      difference: 3,
      rulesFired: ['threshold'],
      discordant: true,
    });
    expect(evaluatePair(22, 19, charter).rulesFired).toEqual(['threshold']);
  });

  it('a read exactly on the threshold sides with the responders (SALT ≤ 20)', () => {
    expect(evaluatePair(20, 15, charter).rulesFired).toEqual([]);
    expect(evaluatePair(20, 20.1, charter).rulesFired).toEqual(['threshold']);
  });

  it('both rules can fire together', () => {
    expect(evaluatePair(5, 60, charter).rulesFired).toEqual(['max-difference', 'threshold']);
  });

  it('honours several thresholds and a fractional maxDifference', () => {
    const rule = { maxDifference: 7.5, thresholds: [10, 20] };
    expect(evaluatePair(9, 11, rule).rulesFired).toEqual(['threshold']);
    expect(evaluatePair(30, 37.5, rule).rulesFired).toEqual([]);
    expect(evaluatePair(30, 37.6, rule).rulesFired).toEqual(['max-difference']);
    expect(evaluatePair(30, 40, { maxDifference: 10, thresholds: [] }).rulesFired).toEqual([]);
  });

  it('computes the difference without float noise', () => {
    expect(evaluatePair(0.3, 0.1, charter).difference).toBe(0.2);
    expect(evaluatePair(42.2, 31.1, charter).difference).toBe(11.1);
  });
});
