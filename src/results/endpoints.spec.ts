import { ScheduledVisit } from '../studies/study-settings';
import { endpoints, meetsImprovement, summarize, VisitValue, wilson } from './endpoints';

const SCHEDULE: ScheduledVisit[] = [
  { label: 'baseline', plannedDay: 1, baseline: true },
  { label: 'month 6', plannedDay: 183, baseline: false },
  { label: 'month 12', plannedDay: 365, baseline: false },
];

function value(subjectCode: string, visit: string, finalSalt: number | null): VisitValue {
  return { subjectCode, visit, finalSalt };
}

describe('wilson', () => {
  // By hand, z = 1.959964, z² = 3.841459:
  // 1/5: centre (0.2 + 0.384146)/1.768292 = 0.330345, half 1.108393·√(0.032 + 0.038415)
  //      = 0.294120 → [0.036225, 0.624465]
  it('1 of 5', () => {
    const ci = wilson(1, 5)!;
    expect(ci.low).toBeCloseTo(0.036225, 5);
    expect(ci.high).toBeCloseTo(0.624465, 5);
  });

  // 0/5: centre 0.384146/1.768292 = 0.217242 = half → [0, 0.434484]
  it('0 of 5 starts at exactly 0, 5 of 5 ends at exactly 1', () => {
    expect(wilson(0, 5)).toEqual({ low: 0, high: expect.closeTo(0.434484, 5) as number });
    expect(wilson(5, 5)).toEqual({ low: expect.closeTo(0.565516, 5) as number, high: 1 });
  });

  it('is not defined for n = 0', () => {
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('summarize', () => {
  it('n, mean, sample SD, type-7 quartiles and range', () => {
    // [63, 75, 82, 95, 100]: mean 415/5 = 83; deviations −20, −8, −1, 12, 17, squares
    // 400 + 64 + 1 + 144 + 289 = 898, /4 = 224.5, √ = 14.983324; quartile positions
    // (n − 1)·p = 1, 2, 3 → 75, 82, 95.
    expect(summarize([100, 63, 95, 82, 75])).toEqual({
      n: 5,
      mean: 83,
      sd: expect.closeTo(14.983324, 5) as number,
      median: 82,
      q1: 75,
      q3: 95,
      min: 63,
      max: 100,
    });
  });

  it('interpolates between order statistics; SD needs two values; none gives nulls', () => {
    // [10, 20, 30, 40]: positions 0.75, 1.5, 2.25 → 17.5, 25, 32.5
    expect(summarize([40, 10, 30, 20])).toMatchObject({ median: 25, q1: 17.5, q3: 32.5 });
    expect(summarize([7])).toMatchObject({ n: 1, mean: 7, sd: null, median: 7 });
    expect(summarize([])).toEqual({
      n: 0,
      mean: null,
      sd: null,
      median: null,
      q1: null,
      q3: null,
      min: null,
      max: null,
    });
  });
});

describe('meetsImprovement', () => {
  it('counts exactly 50 % as SALT50 (no floating-point loss)', () => {
    expect(meetsImprovement(82.2, 41.1, 50)).toBe(true);
    expect(meetsImprovement(82.2, 41.2, 50)).toBe(false);
    expect(meetsImprovement(40, 4, 90)).toBe(true);
    expect(meetsImprovement(40, 4.1, 90)).toBe(false);
  });
});

describe('endpoints', () => {
  // Five subjects with baseline and month 6, the seed pilot's table (Castela 2014).
  const pilot = [
    ['P1', 100, 100],
    ['P2', 82, 69],
    ['P3', 63, 28],
    ['P4', 95, 90],
    ['P5', 75, 50],
  ] as const;
  const pilotValues = pilot.flatMap(([code, base, month6]) => [
    value(code, 'baseline', base),
    value(code, 'month 6', month6),
  ]);

  it("reproduces the seed pilot's medians, ranges, change and responder rates", () => {
    const report = endpoints(SCHEDULE, pilotValues);
    const [baseline, month6, month12] = report.visits;
    expect(baseline.salt).toMatchObject({ n: 5, median: 82, min: 63, max: 100, mean: 83 });
    expect(baseline.change).toBeNull();
    expect(baseline.rates.map((r) => r.criterion)).toEqual(['salt-le-20', 'salt-le-10']);
    // Month 6: [28, 50, 69, 90, 100], mean 337/5 = 67.4.
    expect(month6.salt).toMatchObject({ n: 5, median: 69, min: 28, max: 100, mean: 67.4 });
    expect(month6.salt).toMatchObject({ q1: 50, q3: 90 });
    // Changes 0, −13, −35, −5, −25: mean −78/5 = −15.6; deviations 15.6, 2.6, −19.4, 10.6,
    // −9.4, squares sum 827.2, /4 = 206.8, √ = 14.380542; sorted −35, −25, −13, −5, 0.
    expect(month6.change).toEqual({
      n: 5,
      mean: -15.6,
      sd: expect.closeTo(14.380542, 5) as number,
      median: -13,
      q1: -25,
      q3: -5,
      min: -35,
      max: 0,
    });
    // Percent changes: 0, −1300/82 = −15.853659, −3500/63 = −55.555556, −500/95 = −5.263158,
    // −2500/75 = −33.333333; median −15.853659.
    expect(month6.percentChange).toMatchObject({
      n: 5,
      median: expect.closeTo(-15.853659, 5) as number,
      min: expect.closeTo(-55.555556, 5) as number,
      max: 0,
    });
    // SALT ≤ 20: none, ≤ 10: none; SALT50: P3 only (55.6 %); SALT75, SALT90: none.
    const rates = Object.fromEntries(month6.rates.map((r) => [r.criterion, r]));
    expect(rates['salt-le-20']).toMatchObject({ count: 0, n: 5, rate: 0, ciLow: 0 });
    expect(rates['salt-le-10']).toMatchObject({ count: 0, n: 5, rate: 0 });
    expect(rates.salt50).toMatchObject({
      count: 1,
      n: 5,
      rate: 0.2,
      ciLow: expect.closeTo(0.036225, 5) as number,
      ciHigh: expect.closeTo(0.624465, 5) as number,
    });
    expect(rates.salt75).toMatchObject({ count: 0, n: 5 });
    expect(rates.salt90).toMatchObject({ count: 0, n: 5 });
    // A scheduled visit with no sets yet: present, empty, nothing imputed.
    expect(month12).toMatchObject({ visit: 'month 12', order: 3, sets: 0, plannedDay: 365 });
    expect(month12.salt.n).toBe(0);
    expect(month12.rates.every((r) => r.n === 0 && r.rate === null && r.ciLow === null)).toBe(true);
    expect(report.notes).toEqual([]);
  });

  it('a subject with no baseline is left out of change and relative rates, and counted', () => {
    const report = endpoints(SCHEDULE, [
      value('A', 'baseline', 60),
      value('A', 'month 6', 20),
      value('B', 'month 6', 10),
    ]);
    const month6 = report.visits[1];
    // Absolute measures use both (20 and 10): SALT ≤ 20 2/2, ≤ 10 1/2.
    expect(month6.salt).toMatchObject({ n: 2, mean: 15 });
    expect(month6.rates.find((r) => r.criterion === 'salt-le-20')).toMatchObject({
      count: 2,
      n: 2,
    });
    expect(month6.rates.find((r) => r.criterion === 'salt-le-10')).toMatchObject({
      count: 1,
      n: 2,
    });
    // Change: A only, 20 − 60 = −40 (−66.7 %): SALT50 1/1, SALT75 0/1.
    expect(month6.change).toMatchObject({ n: 1, mean: -40 });
    expect(month6.rates.find((r) => r.criterion === 'salt50')).toMatchObject({ count: 1, n: 1 });
    expect(month6.rates.find((r) => r.criterion === 'salt75')).toMatchObject({ count: 0, n: 1 });
    expect(month6.noBaseline).toEqual({ count: 1, subjects: ['B'] });
    expect(report.notes).toEqual([
      'month 6: 1 subject(s) without a final baseline, left out of change and SALT50/75/90 (B)',
    ]);
  });

  it('a baseline of 0 has a change but no percent change, and is out of relative rates', () => {
    const report = endpoints(SCHEDULE, [
      value('Z', 'baseline', 0),
      value('Z', 'month 6', 5),
      value('Y', 'baseline', 50),
      value('Y', 'month 6', 5),
    ]);
    const month6 = report.visits[1];
    // Change: Z +5, Y −45 → mean −20. Percent change: Y only, −90 %.
    expect(month6.change).toMatchObject({ n: 2, mean: -20, min: -45, max: 5 });
    expect(month6.percentChange).toMatchObject({ n: 1, mean: -90 });
    expect(month6.baselineZero).toEqual({ count: 1, subjects: ['Z'] });
    // SALT90: Y's 90 % counts; Z is not in the denominator (n = 1, not 2).
    expect(month6.rates.find((r) => r.criterion === 'salt90')).toMatchObject({ count: 1, n: 1 });
    expect(
      report.notes.some((note) => note.includes('baseline SALT 0') && note.includes('(Z)')),
    ).toBe(true);
    for (const summary of [month6.percentChange!, month6.change!]) {
      expect(Object.values(summary).every((v) => v === null || Number.isFinite(v))).toBe(true);
    }
  });

  it('sets not yet final are counted and named, not imputed; a non-final baseline is no baseline', () => {
    const report = endpoints(SCHEDULE, [
      value('A', 'baseline', 80),
      value('A', 'month 6', null),
      value('B', 'baseline', null),
      value('B', 'month 6', 30),
    ]);
    const [baseline, month6] = report.visits;
    expect(baseline).toMatchObject({ sets: 2, notFinal: { count: 1, subjects: ['B'] } });
    expect(baseline.salt).toMatchObject({ n: 1, mean: 80 });
    expect(month6).toMatchObject({ sets: 2, notFinal: { count: 1, subjects: ['A'] } });
    expect(month6.salt).toMatchObject({ n: 1, mean: 30 });
    expect(month6.change!.n).toBe(0);
    expect(month6.noBaseline.subjects).toEqual(['B']);
    expect(report.notes).toContain(
      'baseline: 1 set(s) not final yet, not counted and not imputed (B)',
    );
  });

  it('lists labels in use that the schedule lacks as unscheduled visits', () => {
    const report = endpoints(
      [...SCHEDULE, { label: 'extra', plannedDay: null, baseline: false }],
      [value('A', 'extra', 12)],
      new Set(SCHEDULE.map((visit) => visit.label)),
    );
    expect(report.visits[3]).toMatchObject({ visit: 'extra', scheduled: false, order: 4 });
    expect(report.notes).toContain(
      "extra: has photo sets but is not on the study's visit schedule",
    );
  });
});
