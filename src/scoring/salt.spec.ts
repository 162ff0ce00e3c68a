import { computeSalt, isRegionValue, meanHalfUp, toTenths } from './salt';

describe('computeSalt', () => {
  // DESIGN.md §2 test vectors.
  it.each([
    [0, 0, 0, 0, 0.0],
    [100, 100, 100, 100, 100.0],
    [0, 0, 0, 20, 3.6],
    [50, 25, 10, 80, 42.2],
    [95, 90, 100, 100, 95.6],
  ])('top %p back %p left %p right %p → %p', (top, back, left, right, salt) => {
    expect(computeSalt({ top, back, left, right })).toBe(salt);
  });

  it('rounds half up on the exact value, not on float noise', () => {
    // 0.18·0.5 = 0.09 → 0.1 (half-up); floats give 0.09000000000000001 or 0.08999….
    expect(computeSalt({ top: 0, back: 0, left: 0.5, right: 0 })).toBe(0.1);
    // 0.24·0.1 = 0.024 → 0.0; 0.4·0.1 + 0.24·0.1 = 0.064 → 0.1.
    expect(computeSalt({ top: 0, back: 0.1, left: 0, right: 0 })).toBe(0);
    expect(computeSalt({ top: 0.1, back: 0.1, left: 0, right: 0 })).toBe(0.1);
    // 0.4·12.5 + 0.24·0 + 0.18·0.5·… : 5 + 0.09 = 5.09 → 5.1
    expect(computeSalt({ top: 12.5, back: 0, left: 0.5, right: 0 })).toBe(5.1);
    // 0.18·(0.3+0.2)=0.09 → 0.1; 0.18·0.2=0.036 → 0.0; 0.24·0.2=0.048 → 0.0
    expect(computeSalt({ top: 0, back: 0, left: 0.3, right: 0.2 })).toBe(0.1);
    expect(computeSalt({ top: 0, back: 0.2, left: 0, right: 0 })).toBe(0);
  });

  it('agrees with exact rational arithmetic over a sweep of one-decimal inputs', () => {
    for (let i = 0; i < 2000; i++) {
      const top = ((i * 7919 + 13) % 1001) / 10;
      const back = ((i * 31) % 1001) / 10;
      const left = ((i * 97) % 1001) / 10;
      const right = ((i * 53) % 1001) / 10;
      const weighted =
        40 * Math.round(top * 10) +
        24 * Math.round(back * 10) +
        18 * Math.round(left * 10) +
        18 * Math.round(right * 10);
      // weighted/100 tenths; half-up: remainder ≥ 50 rounds up.
      const expected = (Math.floor(weighted / 100) + (weighted % 100 >= 50 ? 1 : 0)) / 10;
      expect(computeSalt({ top, back, left, right })).toBe(expected);
    }
  });

  it('refuses values it must never see', () => {
    expect(() => computeSalt({ top: 101, back: 0, left: 0, right: 0 })).toThrow(/top/);
    expect(() => computeSalt({ top: 0, back: -1, left: 0, right: 0 })).toThrow(/back/);
    expect(() => computeSalt({ top: 0, back: 0, left: 1.25, right: 0 })).toThrow(/left/);
    expect(() => computeSalt({ top: 0, back: 0, left: 0, right: NaN })).toThrow(/right/);
  });
});

describe('region values', () => {
  it('accepts 0–100 with at most one decimal', () => {
    for (const ok of [0, 0.1, 4.3, 99.9, 100, 12.0]) expect(isRegionValue(ok)).toBe(true);
    for (const bad of [-0.1, 100.1, 1.25, NaN, Infinity, '5', null]) {
      expect(isRegionValue(bad)).toBe(false);
    }
  });

  it('converts to integer tenths', () => {
    expect(toTenths(4.3)).toBe(43);
    expect(toTenths(0.1 + 0.2)).toBe(3);
    expect(() => toTenths(4.35)).toThrow();
  });
});

describe('meanHalfUp', () => {
  it('averages to one decimal, rounding half up', () => {
    expect(meanHalfUp(19, 22)).toBe(20.5);
    expect(meanHalfUp(10.1, 10.2)).toBe(10.2);
    expect(meanHalfUp(0, 0.1)).toBe(0.1);
    expect(meanHalfUp(33.3, 33.4)).toBe(33.4);
    expect(meanHalfUp(42.2, 42.2)).toBe(42.2);
  });
});
