import { fQuantile, nctQuantile, tQuantile } from './distributions';

const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.abs(expected);

/*
 * Reference values, all at p = 0.975 (the only level the agreement statistics use), over the
 * degrees of freedom they meet: ICC(1,1) uses F(n−1, n(k−1)) with n up to 100k sets; ICC(2,1)
 * uses F(n−1, v) and F(v, n−1) with a fractional Satterthwaite v that can fall towards 0;
 * Bland–Altman uses t(n−1) and the non-central t(n−1, 1.96·√n).
 *
 * Unless marked otherwise they were computed with mpmath 1.3 at 40 significant digits: the F
 * quantile by bisection (200 steps, in log space) on the regularized incomplete beta
 * mpmath.betainc; t as √F(1, ν) at 2p − 1. mpmath's betainc does not converge at 100k df, so
 * those rows are scipy 1.17 (Boost) stats.f.ppf / stats.t.ppf, which agrees with mpmath to 15
 * digits on every row mpmath could compute. Each value is the double nearest the reference.
 */
const F_975: [number, number, number][] = [
  [4, 4, 9.60452988472286],
  [4, 5, 7.387885751267751],
  [5, 4, 9.364470815808291],
  [4, 1, 899.5833101780363],
  [1, 4, 12.217862633071102],
  [4, 0.3, 9122491651.6199],
  [0.3, 4, 15.831414664248609],
  [4, 0.02, 2.173234122567439e158],
  [0.02, 4, 6.248014753694223],
  [29, 3.7, 9.583650903981475],
  [3.7, 29, 3.353482500843661],
  [99, 57.3, 1.6135295981722717],
  [57.3, 99, 1.5673877354484935],
  [999, 1000, 1.1320824634095303],
  [1000, 999, 1.1320868808405082],
  // scipy 1.17 stats.f.ppf:
  [99999, 100000, 1.012473150997779],
  [100000, 99999, 1.0124731513920748],
  [99999, 1.5, 114.3898216114447],
  [1.5, 99999, 4.184013732549472],
  [99999, 0.05, 5.274655999312356e62],
  [0.05, 99999, 10.618311173857792],
];

const T_975: [number, number][] = [
  [1, 12.706204736174692],
  [2, 4.302652729749462],
  [3, 3.182446305283708],
  [4, 2.7764451051977934],
  [9, 2.262157162798205],
  [29, 2.045229642132704],
  [99, 1.9842169515864172],
  [999, 1.9623414611334495],
  // scipy 1.17 stats.t.ppf:
  [99999, 1.9599877077718442],
];

/*
 * Non-central t quantiles at 0.025 and 0.975 with ν = n − 1 and δ = 1.96·√n, the pivots of the
 * exact limits-of-agreement interval. mpmath 1.3 (40 digits): mpmath.quad of the defining
 * integral P(T ≤ t) = ∫₀^∞ Φ(t·w − δ) f(w) dw, w = √(χ²_ν/ν), solved with mpmath.findroot;
 * scipy 1.17 stats.nct.ppf agrees to the 8 digits it prints.
 */
const NCT: [number, number, number][] = [
  [2, 0.739111471593098, 88.4714958351757],
  [3, 1.23438468797519, 22.1986815869919],
  [5, 2.06431793593076, 13.3605476064104],
  [10, 3.67838902075416, 12.0197058991106],
  [30, 7.94403967494131, 15.0987197837833],
  [1000, 58.749895382769, 65.4617975130175],
  [100000, 616.469201290711, 623.168620452144],
];

describe('distributions', () => {
  it.each(F_975)('F(%p, %p) 97.5%% quantile is %p', (df1, df2, expected) => {
    expect(relativeError(fQuantile(0.975, df1, df2), expected)).toBeLessThan(1e-8);
  });

  // Closed forms need no reference library: with df1 = 2, I_x(1, b) = 1 − (1 − x)^b; with
  // df2 = 2, I_x(a, 1) = x^a (x = df1·f/(df1·f + df2), a = df1/2, b = df2/2).
  it.each([0.05, 0.3, 1, 3.7, 57.3, 1000, 99999])(
    'F(2, %p) and F(%p, 2) match their closed forms',
    (df) => {
      const p = 0.975;
      const oneMinusX = Math.pow(1 - p, 2 / df);
      expect(
        relativeError(fQuantile(p, 2, df), (df * (1 - oneMinusX)) / (2 * oneMinusX)),
      ).toBeLessThan(1e-9);
      const complement = -Math.expm1(Math.log(p) * (2 / df)); // 1 − p^(2/df) without cancellation
      expect(
        relativeError(fQuantile(p, df, 2), (2 * (1 - complement)) / (df * complement)),
      ).toBeLessThan(1e-9);
    },
  );

  it.each(T_975)('t(%p) 97.5%% quantile is %p', (df, expected) => {
    expect(relativeError(tQuantile(0.975, df), expected)).toBeLessThan(1e-9);
  });

  it('t matches its closed forms at 1, 2 and 4 df', () => {
    for (const p of [0.6, 0.9, 0.975, 0.995]) {
      expect(relativeError(tQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)))).toBeLessThan(1e-9);
      expect(relativeError(tQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeLessThan(
        1e-9,
      );
      // ν = 4: t = 2·√(cos(acos(√α)/3)/√α − 1), α = 4p(1 − p) (p > ½).
      const alpha = 4 * p * (1 - p);
      const q = Math.cos(Math.acos(Math.sqrt(alpha)) / 3) / Math.sqrt(alpha);
      expect(relativeError(tQuantile(p, 4), 2 * Math.sqrt(q - 1))).toBeLessThan(1e-9);
    }
  });

  it.each(NCT)('non-central t for n = %p: 2.5%% %p, 97.5%% %p', (n, lower, upper) => {
    const delta = 1.96 * Math.sqrt(n);
    expect(relativeError(nctQuantile(0.025, n - 1, delta), lower)).toBeLessThan(1e-8);
    expect(relativeError(nctQuantile(0.975, n - 1, delta), upper)).toBeLessThan(1e-8);
  });
});
