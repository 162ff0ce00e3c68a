import { pChart, pChartLimits, pooledRate, RaterRead } from './control-chart';

/** Mulberry32: a small seeded generator, so the simulation is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A study of five raters reading 300 sets each against partners; truth uniform 0–100, every
 * read truth + N(0, 3²), clipped. The drifting rater adds +8 from their 101st read on.
 * Discordant when |A − B| > 10 (maxDifference).
 */
function simulate(seed: number): Map<string, RaterRead[]> {
  const random = seeded(seed);
  const raters = ['drifting', 'steady', 'r3', 'r4', 'r5'];
  const reads = new Map<string, RaterRead[]>(raters.map((r) => [r, []]));
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < 750; i++) {
    const a = raters[i % 5];
    const b = raters[(i % 5) + 1 === 5 ? 0 : (i % 5) + 1];
    const truth = random() * 100;
    const score = (rater: string) => {
      const shift = rater === 'drifting' && reads.get(rater)!.length >= 100 ? 8 : 0;
      return Math.min(100, Math.max(0, truth + shift + 3 * normal(random)));
    };
    const [sa, sb] = [score(a), score(b)];
    const discordant = Math.abs(sa - sb) > 10;
    const final = discordant ? truth : (sa + sb) / 2;
    const at = new Date(start + i * 60_000);
    reads.get(a)!.push({ discordant, signedDifference: sa - final, submittedAt: at });
    reads.get(b)!.push({ discordant, signedDifference: sb - final, submittedAt: at });
  }
  return reads;
}

describe('p-chart of discordance', () => {
  it('has 3-sigma limits around the pooled rate, clipped to [0, 1]', () => {
    const { lower, upper } = pChartLimits(0.1, 25);
    expect(upper).toBeCloseTo(0.1 + 3 * Math.sqrt(0.09 / 25), 12);
    expect(lower).toBe(0);
    expect(pChartLimits(0.5, 1).upper).toBe(1);
  });

  it('flags a rater who drifts +8 after their 100th read and not a steady one (fixed seed)', () => {
    const reads = simulate(20261201);
    const pBar = pooledRate(
      [...reads.values()].map((list) => ({
        reads: list.length,
        discordant: list.filter((r) => r.discordant).length,
      })),
    );
    const drifting = pChart(reads.get('drifting')!, pBar);
    const steady = pChart(reads.get('steady')!, pBar);
    expect(drifting.slice(0, 5).some((p) => p.outOfControl)).toBe(false);
    expect(drifting.slice(5).some((p) => p.outOfControl)).toBe(true);
    expect(steady.some((p) => p.outOfControl)).toBe(false);
    // The drift plot sees it too: the mean signed difference from the final rises.
    const before = drifting.slice(0, 5).map((p) => p.meanSignedDifference!);
    const after = drifting.slice(6).map((p) => p.meanSignedDifference!);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
  });

  it('charts a last partial subgroup only from half the subgroup size', () => {
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000);
    const reads = Array.from({ length: 29 }, (_, i) => ({
      discordant: i % 4 === 0,
      signedDifference: null,
      submittedAt: at(i),
    }));
    expect(pChart(reads, 0.2).map((p) => p.n)).toEqual([20]);
    expect(
      pChart(
        [...reads, { discordant: false, signedDifference: null, submittedAt: at(29) }],
        0.2,
      ).map((p) => p.n),
    ).toEqual([20, 10]);
  });
});
