import {
  binomialTolerance,
  chooseRereader,
  rereadDraw,
  selectedForReread,
  washoutHolds,
} from './rereads';

const DAY = 24 * 60 * 60 * 1000;

describe('re-read selection', () => {
  const ids = Array.from(
    { length: 4000 },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  );

  it('is deterministic and uniform: the share of 4000 ids is within 3 binomial SDs', () => {
    expect(rereadDraw(ids[0])).toBe(rereadDraw(ids[0]));
    for (const share of [0.05, 0.2, 0.5]) {
      const selected = ids.filter((id) => selectedForReread(id, share)).length;
      expect(Math.abs(selected - ids.length * share)).toBeLessThanOrEqual(
        binomialTolerance(ids.length, share),
      );
    }
    expect(ids.filter((id) => selectedForReread(id, 0))).toEqual([]);
    expect(ids.filter((id) => selectedForReread(id, 1))).toHaveLength(ids.length);
  });

  it('picks one of the original raters, whatever order they are listed in', () => {
    const raters = ['b-rater', 'a-rater'];
    for (const id of ids.slice(0, 50)) {
      const chosen = chooseRereader(id, raters);
      expect(raters).toContain(chosen);
      expect(chooseRereader(id, [...raters].reverse())).toBe(chosen);
    }
    const picks = new Set(ids.slice(0, 50).map((id) => chooseRereader(id, raters)));
    expect(picks.size).toBe(2);
    expect(chooseRereader(ids[0], [])).toBeNull();
  });
});

describe('washoutHolds', () => {
  const firstReadAt = new Date('2026-01-01T12:00:00Z');
  const base = { firstReadAt, minDays: 14, minReads: 20 };

  it('needs both the days and the reads in between', () => {
    const day14 = new Date(firstReadAt.getTime() + 14 * DAY);
    expect(washoutHolds({ ...base, now: day14, readsSince: 20 })).toBe(true);
    expect(washoutHolds({ ...base, now: new Date(day14.getTime() - 1), readsSince: 500 })).toBe(
      false,
    );
    expect(
      washoutHolds({ ...base, now: new Date(day14.getTime() + 365 * DAY), readsSince: 19 }),
    ).toBe(false);
  });

  it('with zero minimums holds at once', () => {
    expect(
      washoutHolds({ firstReadAt, now: firstReadAt, readsSince: 0, minDays: 0, minReads: 0 }),
    ).toBe(true);
  });
});
