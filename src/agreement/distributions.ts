/**
 * Just enough of the F, Student t, normal, χ² and non-central t distributions for confidence
 * intervals: the regularized incomplete beta and gamma functions (Lentz's continued fractions and
 * series, as in Numerical Recipes) and quantiles found by bisection. Degrees of freedom may be
 * fractional (McGraw & Wong's ICC(A,1) interval) and reach 100k (a study-wide ICC).
 * distributions.spec.ts checks them against mpmath/scipy references and closed forms over that
 * whole range. No statistics library is installed, and these few functions are all we need.
 */

function logGamma(x: number): number {
  // Lanczos approximation, g = 7.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let numerator = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    numerator = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return result;
}

/** I_x(a, b), the regularized incomplete beta function. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

export function fCdf(f: number, df1: number, df2: number): number {
  if (f <= 0) return 0;
  return incompleteBeta((df1 * f) / (df1 * f + df2), df1 / 2, df2 / 2);
}

export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** 1 − I_x(a, b), given y = 1 − x so that a tiny y keeps its precision. */
function incompleteBetaUpper(y: number, a: number, b: number): number {
  return incompleteBeta(y, b, a);
}

/**
 * Bisection in log space on (e^−745, ½], for a cdf increasing in its argument: a root near 0
 * keeps full relative precision, which F quantiles at a Satterthwaite df near 0 need.
 */
function bisectLog(cdf: (x: number) => number, p: number): number {
  let low = -745;
  let high = Math.log(0.5);
  for (let i = 0; i < 200 && high - low > 1e-15 * Math.max(1, -low); i++) {
    const mid = (low + high) / 2;
    if (cdf(Math.exp(mid)) < p) low = mid;
    else high = mid;
  }
  return Math.exp((low + high) / 2);
}

/**
 * The p-quantile of F(df1, df2). With x = df1·f/(df1·f + df2), F's cdf is I_x(df1/2, df2/2):
 * the root is sought in x when it lies below ½ and in 1 − x otherwise, so both ends keep their
 * precision. Infinity only when the quantile is beyond double range.
 */
export function fQuantile(p: number, df1: number, df2: number): number {
  const a = df1 / 2;
  const b = df2 / 2;
  if (incompleteBeta(0.5, a, b) >= p) {
    const x = bisectLog((t) => incompleteBeta(t, a, b), p);
    return (df2 * x) / (df1 * (1 - x));
  }
  // 1 − I_x(a, b) = I_y(b, a) falls as x rises, so seek y = 1 − x where I_y(b, a) = 1 − p.
  const y = bisectLog((t) => incompleteBetaUpper(t, a, b), 1 - p);
  return (df2 * (1 - y)) / (df1 * y);
}

/** The p-quantile of Student's t with df degrees of freedom: t² is F(1, df). */
export function tQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  return Math.sqrt(fQuantile(2 * p - 1, 1, df));
}

/**
 * P(a, x) and Q(a, x) = 1 − P, the regularized lower and upper incomplete gamma functions. The
 * series gives P and the continued fraction Q; the other is 1 minus it, so the one each branch
 * computes directly keeps its full precision.
 */
function incompleteGamma(a: number, x: number): { lower: number; upper: number } {
  if (x <= 0) return { lower: 0, upper: 1 };
  const front = Math.exp(a * Math.log(x) - x - logGamma(a));
  if (x < a + 1) {
    // Series for P(a, x).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    const lower = front * sum;
    return { lower, upper: 1 - lower };
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  const upper = front * h;
  return { lower: 1 - upper, upper };
}

/** Φ(z), the standard normal cdf: P(|Z| > |z|) = Q(½, z²/2), so each tail keeps its precision. */
export function normalCdf(z: number): number {
  const tail = 0.5 * incompleteGamma(0.5, (z * z) / 2).upper;
  return z < 0 ? tail : 1 - tail;
}

/** P(X ≤ x) for X ~ χ²(df): P(df/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
  return incompleteGamma(df / 2, x / 2).lower;
}

/** The p-quantile of χ²(df), by bisection on the cdf (monotone; 200 halvings reach 1e-12). */
export function chiSquareQuantile(p: number, df: number): number {
  let low = 0;
  let high = Math.max(1, df);
  while (chiSquareCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2;
    if (chiSquareCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

interface NctGrid {
  delta: number;
  /** √(V/df) at each node, and its normalized trapezoid weight. */
  scale: number[];
  weight: number[];
}

/**
 * The non-central t with df degrees of freedom and non-centrality δ is T = (Z + δ)/√(V/df),
 * V ~ χ²(df), so P(T ≤ t) = E[Φ(t·√(V/df) − δ)]. The expectation is a trapezoid sum over
 * u = ln V, where V's density is smooth and falls off fast on both sides, so the sum converges
 * geometrically in the step; normalizing by the sum of the weights cancels Γ(df/2). The step
 * resolves both the density (width √(2/df) in u) and Φ's rise (width about 2/δ in u).
 */
function nctGrid(df: number, delta: number): NctGrid {
  const logDensity = (u: number) => (df / 2) * u - Math.exp(u) / 2;
  const mode = Math.log(df);
  const peak = logDensity(mode);
  const step = Math.min(Math.sqrt(2 / df), 2 / Math.max(1, Math.abs(delta))) / 3;
  const scale: number[] = [];
  const weight: number[] = [];
  let total = 0;
  for (const direction of [-1, 1]) {
    for (let i = direction === -1 ? 0 : 1; ; i++) {
      const u = mode + direction * i * step;
      const logWeight = logDensity(u) - peak;
      if (logWeight < -32) break;
      scale.push(Math.sqrt(Math.exp(u) / df));
      weight.push(Math.exp(logWeight));
      total += Math.exp(logWeight);
    }
  }
  return { delta, scale, weight: weight.map((w) => w / total) };
}

function gridCdf(grid: NctGrid, t: number): number {
  let sum = 0;
  for (let i = 0; i < grid.scale.length; i++) {
    sum += grid.weight[i] * normalCdf(t * grid.scale[i] - grid.delta);
  }
  return sum;
}

/** P(T ≤ t) for the non-central t(df, delta). */
export function nctCdf(t: number, df: number, delta: number): number {
  return gridCdf(nctGrid(df, delta), t);
}

// Bland–Altman asks for the same two quantiles for every pair of the same size.
const nctQuantiles = new Map<string, number>();

/**
 * The p-quantile of the non-central t(df, delta): a bracket widened from the normal
 * approximation, then the Illinois variant of regula falsi (bracketed, converges superlinearly).
 */
export function nctQuantile(p: number, df: number, delta: number): number {
  const key = `${p}|${df}|${delta}`;
  const known = nctQuantiles.get(key);
  if (known !== undefined) return known;
  const grid = nctGrid(df, delta);
  const excess = (t: number) => gridCdf(grid, t) - p;
  let width = 2 * Math.sqrt(1 + (delta * delta) / (2 * df));
  let low = delta - width;
  let high = delta + width;
  let fLow = excess(low);
  while (fLow > 0) {
    low -= width *= 2;
    fLow = excess(low);
  }
  let fHigh = excess(high);
  while (fHigh < 0) {
    high += width *= 2;
    fHigh = excess(high);
  }
  let side = 0;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, Math.abs(high)); i++) {
    const mid = (low * fHigh - high * fLow) / (fHigh - fLow);
    const fMid = excess(mid);
    if (fMid === 0) {
      low = high = mid;
      break;
    }
    if (fMid < 0) {
      low = mid;
      fLow = fMid;
      if (side === -1) fHigh /= 2;
      side = -1;
    } else {
      high = mid;
      fHigh = fMid;
      if (side === 1) fLow /= 2;
      side = 1;
    }
  }
  const quantile = (low + high) / 2;
  if (nctQuantiles.size > 10_000) nctQuantiles.clear();
  nctQuantiles.set(key, quantile);
  return quantile;
}
