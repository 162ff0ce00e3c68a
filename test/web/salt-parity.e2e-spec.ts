import { computeSalt as serverSalt } from '../../src/scoring/salt';
import { computeSalt as pageSalt } from '../../web/src/salt';

// The scoring screen shows SALT live; it must be the number the server will store.
describe('the web app’s live SALT', () => {
  it('matches the DESIGN.md test vectors', () => {
    const vectors: [number, number, number, number, number][] = [
      [0, 0, 0, 0, 0],
      [100, 100, 100, 100, 100],
      [0, 0, 0, 20, 3.6],
      [50, 25, 10, 80, 42.2],
      [95, 90, 100, 100, 95.6],
    ];
    for (const [top, back, left, right, salt] of vectors) {
      expect(pageSalt({ top, back, left, right })).toBe(salt);
    }
  });

  it('equals the server’s SALT for every one-decimal input tried, halves included', () => {
    // A fixed-seed generator keeps failures reproducible.
    let seed = 20260317;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed % 1001) / 10;
    };
    let compared = 0;
    for (let i = 0; i < 20_000; i++) {
      const regions = { top: next(), back: next(), left: next(), right: next() };
      expect(pageSalt(regions)).toBe(serverSalt(regions));
      compared++;
    }
    // Values whose weighted sum ends exactly in 5 hundredths, where half-up rounding decides.
    for (const right of [0.5, 2.5, 12.5, 97.5]) {
      const regions = { top: 0, back: 0, left: 0, right };
      expect(pageSalt(regions)).toBe(serverSalt(regions));
      compared++;
    }
    expect(compared).toBe(20_004);
  });
});
