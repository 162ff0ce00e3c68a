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
    expect(report).toMatchObject({ pairs: 0, icc11: null, blandAltmanPooled: null, kappa: null });
    expect(report.icc21ByPair).toEqual([]);
  });

  it('withholds the study-wide ICC until enough sets are read', () => {
    const few = [pair('r1', 40, 'r2', 71), pair('r1', 50, 'r2', 81)];
    const report = agreementReport(few, AA_IGA);
    expect(report.icc11).toBeNull();
    expect(report.blandAltmanPooled?.n).toBe(2);
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

describe('agreementReport statistics at the edges', () => {
  it('reports Bland–Altman per fixed rater pair, oriented and named, whatever the slot order', () => {
    // r1 reads 2.4 points below r2 on seven sets and 2.3 below on three (a bias of −2.37), in
    // random slot order. Slot A − slot B hides that bias; rater r1 − rater r2 shows it.
    const fixed = Array.from({ length: 10 }, (_, i) => {
      const r2 = 30 + 5 * i;
      const r1 = Math.round((r2 - (i < 7 ? 2.4 : 2.3)) * 10) / 10;
      return [0, 3, 4, 7, 9].includes(i) ? pair('r1', r1, 'r2', r2) : pair('r2', r2, 'r1', r1);
    });
    const names = new Map([
      ['r1', 'Ada'],
      ['r2', 'Bo'],
    ]);
    const report = agreementReport(fixed, AA_IGA, (id) => names.get(id) ?? id);
    expect(report.blandAltmanByPair).toHaveLength(1);
    const [byPair] = report.blandAltmanByPair;
    expect(byPair.raterIds).toEqual(['r1', 'r2']);
    expect(byPair.difference).toBe('Ada − Bo');
    expect(byPair.n).toBe(10);
    expect(byPair.bias).toBeCloseTo(-2.37, 10);
    // The pooled figure stays, as what it is: random slot order makes its bias near 0.
    expect(Math.abs(report.blandAltmanPooled?.bias ?? NaN)).toBeLessThan(0.5);
    expect(report.notes.join(' ')).toMatch(/pooled/i);
  });

  it("gives each rater's mean difference from their partners", () => {
    const pairs = [
      ...Array.from({ length: 5 }, (_, i) => pair('r1', 40 + i, 'r2', 42 + i)),
      ...Array.from({ length: 5 }, (_, i) => pair('r3', 54 + i, 'r1', 50 + i)),
    ];
    const byRater = Object.fromEntries(
      agreementReport(pairs, AA_IGA).raters.map((rater) => [rater.raterId, rater]),
    );
    // r1 is 2 below r2 and 4 below r3: −3 on average over its ten reads.
    expect(byRater.r1.meanDifferenceFromPartners).toBeCloseTo(-3, 10);
    expect(byRater.r2.meanDifferenceFromPartners).toBeCloseTo(2, 10);
    expect(byRater.r3.meanDifferenceFromPartners).toBeCloseTo(4, 10);
    const ci = byRater.r1.meanDifferenceCi95;
    expect(ci?.lower).toBeLessThan(-3);
    expect(ci?.upper).toBeGreaterThan(-3);
  });

  it('withholds kappa below the same minimum number of sets as the ICC, with a note', () => {
    const report = agreementReport([pair('r1', 30, 'r2', 35)], AA_IGA);
    expect(report.kappa).toBeNull();
    expect(report.notes.join(' ')).toMatch(new RegExp(`kappa.*${MIN_SETS_PER_PAIR}`, 'i'));
  });

  it('reports kappa as not defined, with a note, when every read is in one category', () => {
    // Inclusion needs SALT ≥ 50, so early in a trial every read can be AA-IGA 4 (severe).
    const severe = Array.from({ length: 7 }, (_, i) => pair('r1', 60 + i, 'r2', 62 + i));
    const report = agreementReport(severe, AA_IGA);
    expect(report.kappa).toMatchObject({ linear: null, quadratic: null, n: 7 });
    expect(report.notes.join(' ')).toMatch(/kappa is not defined/i);
  });

  it('says so when a strongly negative ICC(2,1) has an interval that cannot be trusted', () => {
    // Raters who contradict each other: ICC(2,1) −1.40, Satterthwaite df 0.0004.
    const contradicting = [
      pair('r1', 98, 'r2', 0),
      pair('r1', 0, 'r2', 91),
      pair('r1', 89, 'r2', 4),
      pair('r1', 57, 'r2', 34),
      pair('r1', 34, 'r2', 57),
    ];
    const report = agreementReport(contradicting, AA_IGA);
    expect(report.icc21ByPair[0].value).toBeLessThan(-1.4);
    expect(report.notes.join(' ')).toMatch(/r1 & r2.*Satterthwaite/);
  });

  it('says so when every pair agreed exactly, and gives no ICC when every score is the same', () => {
    const exact = Array.from({ length: 6 }, (_, i) => pair('r1', 10 * i + 0.3, 'r2', 10 * i + 0.3));
    const report = agreementReport(exact, AA_IGA);
    expect(report.icc11).toMatchObject({ value: 1, ci95: { lower: 1, upper: 1 } });
    expect(report.notes.join(' ')).toMatch(/agreed exactly/);
    const same = agreementReport(
      Array.from({ length: 6 }, () => pair('r1', 70, 'r2', 70)),
      AA_IGA,
    );
    expect(same.icc11).toBeNull();
    expect(same.notes.join(' ')).toMatch(/ICC.*not defined/);
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
