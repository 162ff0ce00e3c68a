import { effectiveSchedule, scheduleProblems } from './study-settings';

describe('scheduleProblems', () => {
  it('accepts an ordered schedule with one baseline (planned days may be missing)', () => {
    expect(
      scheduleProblems([
        { label: 'screening', plannedDay: -28, baseline: false },
        { label: 'baseline', plannedDay: 1, baseline: true },
        { label: 'unscheduled', plannedDay: null, baseline: false },
        { label: 'week 24', plannedDay: 169, baseline: false },
      ]),
    ).toEqual([]);
  });

  it('names duplicates, a missing or second baseline, and planned days out of order', () => {
    expect(
      scheduleProblems([
        { label: 'a', plannedDay: 10, baseline: false },
        { label: 'a', plannedDay: 5, baseline: false },
      ]),
    ).toEqual([
      'visits: "a" appears more than once',
      'visits: exactly one visit must be the baseline (found 0)',
      'visits: planned day of "a" (5) must come after "a" (10)',
    ]);
    expect(
      scheduleProblems([
        { label: 'a', plannedDay: null, baseline: true },
        { label: 'b', plannedDay: null, baseline: true },
      ]),
    ).toEqual(['visits: exactly one visit must be the baseline (found 2)']);
  });
});

describe('effectiveSchedule', () => {
  it('without a schedule: labels in upload order, the first is the baseline', () => {
    expect(effectiveSchedule([], ['v0', 'v1'])).toEqual([
      { label: 'v0', plannedDay: null, baseline: true },
      { label: 'v1', plannedDay: null, baseline: false },
    ]);
  });

  it("with one: the charter's visits, then labels in use it lacks (never a second baseline)", () => {
    const charter = [{ label: 'b', plannedDay: 1, baseline: true }];
    expect(effectiveSchedule(charter, ['old', 'b'])).toEqual([
      { label: 'b', plannedDay: 1, baseline: true },
      { label: 'old', plannedDay: null, baseline: false },
    ]);
  });
});
