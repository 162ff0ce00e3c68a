import { AA_IGA } from '../scoring/severity';
import { agreementReport, MIN_SETS_PER_PAIR, raterMonitoring } from './agreement-report';
import { EvaluatedPair } from './agreement.repository';

function pair(
  raterA: string,
  saltA: number,
  raterB: string,
  saltB: number,
  extra: Partial<EvaluatedPair> = {},
): EvaluatedPair {
  return {
    month: '2026-03',
    discordant: Math.abs(saltA - saltB) > 10,
    raterA,
    saltA,
    raterB,
    saltB,
    choice: null,
    ...extra,
  };
}

describe('agreementReport', () => {
  it('gives no statistics, not errors, for an empty study', () => {
    const report = agreementReport([], AA_IGA);
    expect(report).toMatchObject({ pairs: 0, icc11: null, blandAltman: null, kappa: null });
    expect(report.icc21ByPair).toEqual([]);
  });

  it('withholds the study-wide ICC until enough sets are read', () => {
    const few = [pair('r1', 40, 'r2', 71), pair('r1', 50, 'r2', 81)];
    const report = agreementReport(few, AA_IGA);
    expect(report.icc11).toBeNull();
    expect(report.blandAltman?.n).toBe(2);
  });

  it('computes ICC(2,1) only for pairs sharing enough sets, orienting columns by rater', () => {
    const fixed = Array.from({ length: MIN_SETS_PER_PAIR }, (_, i) =>
      // The same two people, sometimes in slot order r1/r2 and sometimes r2/r1.
      i % 2 ? pair('r1', 10 * i + 2, 'r2', 10 * i) : pair('r2', 10 * i, 'r1', 10 * i + 2),
    );
    const rare = [pair('r3', 40, 'r4', 45)];
    const report = agreementReport([...fixed, ...rare], AA_IGA);
    expect(report.pairs).toBe(MIN_SETS_PER_PAIR + 1);
    expect(report.icc21ByPair).toHaveLength(1);
    expect(report.icc21ByPair[0].raterIds).toEqual(['r1', 'r2']);
    // r1 is always exactly 2 points above r2: consistent, nearly perfect absolute agreement.
    expect(report.icc21ByPair[0].value).toBeGreaterThan(0.95);
    expect(report.icc21ByPair[0].value).toBeLessThan(1);
    expect(report.icc11?.value).toBeGreaterThan(0.9);
    expect(report.kappa?.categories).toEqual(['0', '1', '2', '3', '4']);
  });
});

describe('raterMonitoring', () => {
  it('counts adjudications and how often each rater was chosen', () => {
    const pairs = [
      pair('r1', 10, 'r2', 40, { choice: 'A' }),
      pair('r1', 10, 'r2', 40, { choice: 'B' }),
      pair('r1', 60, 'r3', 20, { choice: 'A', month: '2026-04' }),
      pair('r1', 30, 'r3', 31),
      pair('r2', 50, 'r3', 90, { choice: 'own' }),
    ];
    const [r1, r2, r3] = raterMonitoring(pairs);
    expect(r1).toMatchObject({
      raterId: 'r1',
      reads: 4,
      discordant: 3,
      adjudicationRate: 0.75,
      adjudicatedWithChoice: 3,
      chosen: 2,
    });
    expect(r1.disagreementIndex).toBeCloseTo(1 / 3, 10);
    expect(r1.byMonth.map((m) => m.month)).toEqual(['2026-03', '2026-04']);
    expect(r2).toMatchObject({ reads: 3, discordant: 3, adjudicatedWithChoice: 2, chosen: 1 });
    // An "own" decision chooses neither read: it does not count for or against anyone.
    expect(r3).toMatchObject({ reads: 3, adjudicatedWithChoice: 1, chosen: 0, chosenRate: 0 });
  });
});
