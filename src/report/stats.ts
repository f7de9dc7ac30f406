/**
 * The statistics behind `measureplan report`: pure functions, no dependencies, no I/O.
 *
 * What a small report can compute honestly (reference `journey-and-reports.md` §5):
 * - a fixed-horizon comparison of two conversion rates: the pooled two-proportion z-test, a
 *   Newcombe interval for the difference and a log risk-ratio interval for the relative lift;
 * - a Wilson score interval for one rate;
 * - the sample per arm a test needs before it is read (normal approximation);
 * - a check that the visitors were split as planned (sample-ratio mismatch);
 * - the Beta(1, 1) "chance that B beats A" as a secondary, Bayesian view;
 * - a verdict in plain words for a shop manager, which warns against stopping early whenever
 *   the planned sample per arm is not reached (§5.3: reading a test before its planned sample
 *   and stopping at the first "significant" result makes the significance meaningless).
 *
 * Conventions: a function that has no data to work on (a rate of 0 visitors) returns
 * `undefined`; a field that cannot be computed from the data it has (a relative lift over a
 * control rate of 0) is `null`, so that JSON output keeps the key. Invalid arguments (negative
 * counts, more successes than trials, a probability outside its range) throw a `RangeError`.
 */

// ---------------------------------------------------------------------------------------------
// The standard normal distribution
// ---------------------------------------------------------------------------------------------

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * The complementary error function erfc(x) = 1 − erf(x), to about 1e-15 (relative for x ≥ 2.5,
 * absolute below). Below 2.5 it sums the all-positive series
 * erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)); from 2.5 on it evaluates the
 * continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - ((2 / SQRT_PI) * Math.exp(-x * x) * sum);
  }
  if (x > 27) return 0; // e^(−729) underflows anyway
  // Modified Lentz for the continued fraction f = x + a1/(x + a2/(x + …)), a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** Φ(z): the probability that a standard normal value is at most `z` (tails accurate in relative terms). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return z < 0 ? 0.5 * erfc(-z / SQRT2) : 1 - 0.5 * erfc(z / SQRT2);
}

// Acklam's rational approximation of the inverse normal CDF (published coefficients).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

/**
 * Φ⁻¹(p): the standard normal value below which a share `p` of the distribution lies, to about
 * 1e-12 (Acklam's approximation, good to 1.2e-9, then one Halley step on `normalCdf`).
 * `normalQuantile(0.975)` = 1.959963984540054. 0 and 1 give −∞ and +∞.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be between 0 and 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // 1 − p is exact for p ≥ 0.5, so the upper half is the mirror of the lower one without loss.
  if (p > 0.5) return -normalQuantile(1 - p);
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // One Halley step on Φ(x) − p (Φ is accurate in relative terms in this lower tail).
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** The two-sided critical value z_(1 − (1 − confidence)/2): 1.959964 for 95 %. */
function critical(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

function checkCounts(successes: number, n: number, what: string): void {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`${what}: expected whole numbers 0 ≤ successes ≤ n, got ${successes} of ${n}`);
  }
}

// ---------------------------------------------------------------------------------------------
// One rate: the Wilson score interval
// ---------------------------------------------------------------------------------------------

/** A conversion rate and its confidence interval (shares, 0…1). */
export interface Wilson {
  rate: number;
  low: number;
  high: number;
}

/**
 * The Wilson score interval for `successes` out of `n` (§5.1): centre (p̂ + z²/2n)/(1 + z²/n),
 * half-width z·√(p̂(1 − p̂)/n + z²/4n²)/(1 + z²/n). Unlike the textbook p̂ ± z·SE it never leaves
 * [0, 1] and does not collapse at 0 or n: 0 of 50 gives [0, 0.07135].
 * Returns `undefined` when `n` is 0: with no visitors there is no rate to report.
 */
export function wilson(successes: number, n: number, confidence = 0.95): Wilson | undefined {
  checkCounts(successes, n, 'wilson');
  if (n === 0) return undefined;
  const z = critical(confidence);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + z2n);
  return {
    rate: p,
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

// ---------------------------------------------------------------------------------------------
// Two rates: the pooled two-proportion z-test
// ---------------------------------------------------------------------------------------------

/** Control (1) against variant (2). Rates and differences are shares (0.02 = 2 %). */
export interface TwoProportions {
  rate1: number;
  rate2: number;
  /** rate2 − rate1, and its Newcombe hybrid score interval. */
  diff: number;
  diffLow: number;
  diffHigh: number;
  /** (rate2 − rate1)/rate1 (0.18 = +18 %); `null` when rate1 is 0. */
  relativeLift: number | null;
  /** Interval for the relative lift (log risk-ratio, Katz); `null` when either arm has no conversions. */
  liftLow: number | null;
  liftHigh: number | null;
  /** Pooled z statistic (positive when the variant converts better) and its two-sided p-value. */
  z: number;
  p: number;
}

/**
 * Compares the conversion rates x1/n1 (control) and x2/n2 (variant), fixed horizon (§5.1):
 * - `z`, `p`: the pooled two-proportion z-test, p̂ = (x1 + x2)/(n1 + n2),
 *   z = (p̂2 − p̂1)/√(p̂(1 − p̂)(1/n1 + 1/n2)), p = 2(1 − Φ(|z|)). When nobody (or everybody)
 *   converted in both arms there is no evidence of a difference: z = 0, p = 1.
 * - `diffLow`, `diffHigh`: Newcombe's hybrid score interval for p̂2 − p̂1 (his method 10), built
 *   from the two Wilson intervals; it stays inside [−1, 1] and behaves at rates near 0, where
 *   the unpooled Wald interval is too narrow.
 * - `liftLow`, `liftHigh`: the Katz log interval for the risk ratio p̂2/p̂1, minus 1.
 * Returns `undefined` when either arm has no visitors.
 */
export function twoProportions(x1: number, n1: number, x2: number, n2: number, confidence = 0.95): TwoProportions | undefined {
  checkCounts(x1, n1, 'twoProportions (control)');
  checkCounts(x2, n2, 'twoProportions (variant)');
  if (n1 === 0 || n2 === 0) return undefined;
  const w1 = wilson(x1, n1, confidence)!;
  const w2 = wilson(x2, n2, confidence)!;
  const r1 = w1.rate;
  const r2 = w2.rate;
  const diff = r2 - r1;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? diff / se : 0;
  const p = se > 0 ? Math.min(1, 2 * normalCdf(-Math.abs(z))) : 1;
  const zc = critical(confidence);
  let liftLow: number | null = null;
  let liftHigh: number | null = null;
  if (x1 > 0 && x2 > 0) {
    const logRatio = Math.log(r2 / r1);
    const seLog = Math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2);
    liftLow = Math.exp(logRatio - zc * seLog) - 1;
    liftHigh = Math.exp(logRatio + zc * seLog) - 1;
  }
  return {
    rate1: r1,
    rate2: r2,
    diff,
    diffLow: diff - Math.sqrt((r2 - w2.low) ** 2 + (w1.high - r1) ** 2),
    diffHigh: diff + Math.sqrt((w2.high - r2) ** 2 + (r1 - w1.low) ** 2),
    relativeLift: r1 > 0 ? diff / r1 : null,
    liftLow,
    liftHigh,
    z,
    p,
  };
}

const logChoose = (n: number, k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

/**
 * Fisher's exact test, two-sided, for x1 of n1 against x2 of n2: the probability, with the
 * margins fixed, of a table at most as likely as the one seen (the hypergeometric sum R's
 * `fisher.test` computes, with its relative tolerance for ties). For groups too small for the
 * z-test's normal approximation (an expected count under 5 in any cell).
 */
export function fisherExact(x1: number, n1: number, x2: number, n2: number): number {
  checkCounts(x1, n1, 'fisherExact (first)');
  checkCounts(x2, n2, 'fisherExact (second)');
  const k = x1 + x2;
  const n = n1 + n2;
  const lo = Math.max(0, k - n2);
  const hi = Math.min(k, n1);
  const logP = (a: number) => logChoose(n1, a) + logChoose(n2, k - a) - logChoose(n, k);
  const seen = logP(x1);
  let p = 0;
  for (let a = lo; a <= hi; a++) { const l = logP(a); if (l <= seen + 1e-7) p += Math.exp(l); }
  return Math.min(1, p);
}

/** Whether a 2×2 table has a cell whose expected count is under 5: the z-test's approximation is then poor. */
export const smallCells = (x1: number, n1: number, x2: number, n2: number): boolean => {
  const k = x1 + x2;
  const n = n1 + n2;
  return n > 0 && Math.min(n1, n2) * Math.min(k, n - k) / n < 5;
};

// ---------------------------------------------------------------------------------------------
// Planning: the sample per arm
// ---------------------------------------------------------------------------------------------

/**
 * Visitors needed in each arm to detect a relative lift of `minDetectableEffect` over the
 * baseline rate `baseRate` with a two-sided test at `alpha` and the given `power` (§5.1,
 * normal approximation): p2 = p1(1 + MDE), p̄ = (p1 + p2)/2,
 * n = [z_(1−α/2)·√(2p̄(1 − p̄)) + z_(1−β)·√(p1(1 − p1) + p2(1 − p2))]² / (p2 − p1)², rounded up.
 * p1 = 3 %, +10 % → 53,211; p1 = 10 %, +20 % → 3,841. A negative MDE plans for a drop.
 */
export function sampleSizePerArm(baseRate: number, minDetectableEffect: number, alpha = 0.05, power = 0.8): number {
  if (!(baseRate > 0 && baseRate < 1)) throw new RangeError(`sampleSizePerArm: the base rate must be between 0 and 1 (exclusive), got ${baseRate}`);
  const p1 = baseRate;
  const p2 = p1 * (1 + minDetectableEffect);
  if (!(minDetectableEffect !== 0 && p2 > 0 && p2 < 1)) {
    throw new RangeError(`sampleSizePerArm: a lift of ${minDetectableEffect} over ${baseRate} is not a rate between 0 and 1 different from the base`);
  }
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) throw new RangeError('sampleSizePerArm: alpha and power must be between 0 and 1 (exclusive)');
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const mean = (p1 + p2) / 2;
  const root = za * Math.sqrt(2 * mean * (1 - mean)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const n = (root * root) / ((p2 - p1) * (p2 - p1));
  return Math.ceil(n - 1e-9); // the tolerance keeps floating-point noise from adding a visitor to an exact integer
}

// ---------------------------------------------------------------------------------------------
// Sample-ratio mismatch
// ---------------------------------------------------------------------------------------------

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 coefficients; about 15 digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const y = x - 1;
  let a = c[0]!;
  const t = y + g + 0.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(s, x) = Γ(s, x)/Γ(s), the upper regularized incomplete gamma function (series below s + 1, continued fraction above). */
export function gammaQ(s: number, x: number): number {
  if (!(s > 0) || !(x >= 0)) throw new RangeError(`gammaQ: need s > 0 and x ≥ 0, got ${s}, ${x}`);
  if (x === 0) return 1;
  const front = Math.exp(-x + s * Math.log(x) - logGamma(s));
  if (x < s + 1) {
    let term = 1 / s;
    let sum = term;
    for (let k = 1; k < 10_000; k++) {
      term *= x / (s + k);
      sum += term;
      if (term < sum * 1e-16) break;
    }
    return Math.max(0, 1 - front * sum);
  }
  // Lentz on Γ(s, x) = e^(−x) x^s · 1/(x + 1 − s − 1(1 − s)/(x + 3 − s − 2(2 − s)/(x + 5 − s − …))).
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < tiny ? tiny : d;
    c = b + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return front * h;
}

/** The outcome of a sample-ratio mismatch check. */
export interface SampleRatio {
  chiSquare: number;
  df: number;
  /** Below {@link SRM_THRESHOLD} the split is off: the assignment is probably broken. */
  p: number;
  /** The visitors each arm should have had under the planned weights. */
  expected: number[];
}

/** The p-value below which a split counts as broken (GrowthBook's default, §5.3). */
export const SRM_THRESHOLD = 0.001;

/**
 * Were the visitors split as planned? Chi-squared goodness of fit of the visitors per arm
 * against the planned `weights` (default: equal), k − 1 degrees of freedom (§5.3). Returns
 * `undefined` with fewer than two arms or no visitors.
 */
export function sampleRatioMismatch(visitors: readonly number[], weights?: readonly number[]): SampleRatio | undefined {
  const total = visitors.reduce((a, b) => a + b, 0);
  if (visitors.length < 2 || total === 0) return undefined;
  const w = weights ?? visitors.map(() => 1);
  if (w.length !== visitors.length || w.some((x) => !(x > 0))) throw new RangeError('sampleRatioMismatch: one positive weight per arm');
  const sumW = w.reduce((a, b) => a + b, 0);
  const expected = w.map((x) => (total * x) / sumW);
  let chi = 0;
  visitors.forEach((o, i) => { chi += (o - expected[i]!) ** 2 / expected[i]!; });
  const df = visitors.length - 1;
  return { chiSquare: chi, df, p: gammaQ(df / 2, chi / 2), expected };
}

// ---------------------------------------------------------------------------------------------
// Bayesian view
// ---------------------------------------------------------------------------------------------

const logBeta = (a: number, b: number): number => logGamma(a) + logGamma(b) - logGamma(a + b);

/**
 * The probability that the variant's true rate is above the control's, with uniform Beta(1, 1)
 * priors (§5.2, Evan Miller's closed form, summed in log space):
 * P = Σ_(i=0)^(αB−1) B(αA + i, βA + βB) / ((βB + i)·B(1 + i, βB)·B(αA, βA)), α = conversions + 1,
 * β = non-conversions + 1. 200/10,000 vs 240/10,000 → 0.9730. Its cost grows with the variant's
 * conversions (one term each). A secondary view: it does not remove the need for the planned sample.
 */
export function probabilityToBeat(x1: number, n1: number, x2: number, n2: number): number {
  checkCounts(x1, n1, 'probabilityToBeat (control)');
  checkCounts(x2, n2, 'probabilityToBeat (variant)');
  const aA = x1 + 1;
  const bA = n1 - x1 + 1;
  const aB = x2 + 1;
  const bB = n2 - x2 + 1;
  const base = logBeta(aA, bA);
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - base);
  }
  return Math.min(1, Math.max(0, total));
}

/**
 * How often an A/A test (no real difference) is declared a winner when it is checked this many
 * times and stopped at the first p < 0.05 (§5.4, 20,000 simulated tests, 5,000 visitors per arm):
 * the 5 % false-alarm rate of one planned look becomes 14 % with 5 looks and 19 % with 10.
 */
export const PEEKING_FALSE_POSITIVES: Readonly<Record<number, number>> = { 1: 0.051, 2: 0.086, 5: 0.141, 10: 0.19, 20: 0.251 };

// ---------------------------------------------------------------------------------------------
// The verdict in plain words
// ---------------------------------------------------------------------------------------------

/** One arm of an A/B test: its name, its visitors and how many of them converted. */
export interface Arm {
  name: string;
  visitors: number;
  conversions: number;
}

export interface VerdictOptions {
  /**
   * The baseline conversion rate the test was planned on. Plan it in advance (from past data):
   * without it the control's current rate is used, which moves while the test runs.
   */
  baseRate?: number;
  /** The smallest relative lift worth detecting (default 0.10, +10 %). */
  minDetectableEffect?: number;
  /** Two-sided significance level (default 0.05) and power (default 0.8). */
  alpha?: number;
  power?: number;
  /** The planned visitors per arm, when the test was planned elsewhere (overrides the calculation). */
  plannedPerArm?: number;
  /** The planned split between control and variant, for the sample-ratio check (default equal). */
  weights?: readonly [number, number];
  /**
   * How many variants are compared with the same control (default 1). With more, each comparison
   * is judged at `alpha` divided by their number (Bonferroni), so that three variants against one
   * control do not find a winner in one A/A test of seven.
   */
  comparisons?: number;
}

export type VerdictKind =
  /** An arm has no visitors yet. */
  | 'no-data'
  /** The split between the arms is off: the assignment is broken, no result can be trusted. */
  | 'sample-ratio-mismatch'
  /** Planned sample not reached, nothing conclusive. */
  | 'not-enough-data'
  /** Planned sample not reached, but a difference shows already: it must not be acted on yet. */
  | 'early-difference'
  | 'variant-better'
  | 'variant-worse'
  | 'no-difference';

export interface Verdict {
  kind: VerdictKind;
  /** One or two sentences for a shop manager. */
  text: string;
  /** Visitors per arm the test needs; `undefined` while it cannot be worked out (no baseline yet). */
  plannedPerArm?: number;
  /** Both arms have their planned visitors: the result may be read. */
  reached: boolean;
  comparison?: TwoProportions;
  sampleRatio?: SampleRatio;
}

/** The warning every verdict before the planned sample carries (§5.3). */
export const EARLY_STOP_WARNING = 'Do not stop the test early: a difference seen now can vanish.';

/** 53211 → "53,211". */
export function formatCount(n: number): string {
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0.18 → "+18 %", −0.004 → "−0.4 %" (one decimal under 10 %). */
export function formatLift(share: number): string {
  const pct = share * 100;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  let s = Math.abs(pct).toFixed(digits);
  if (digits && s.endsWith('.0')) s = s.slice(0, -2);
  const sign = s === '0' ? '' : pct < 0 ? '−' : '+';
  return `${sign}${s} %`;
}

/**
 * A share for the report's tables: 0.571 → "57 %", 0.042 → "4.2 %", 0.915 → "91.5 %". One
 * decimal below 10 % and above 90 %, and halves rounded to even, so that a share and its
 * complement (went on / dropped off) add up to 100. More decimals where rounding would show
 * "0 %" for a share above 0 or "100 %" for one below 1: 1 of 3,000 is "0.03 %", 199 of 200 "99.5 %".
 */
export function formatShare(share: number): string {
  if (share === 0 || share === 1) return `${share * 100} %`;
  const pct = share * 100;
  const round = (digits: number) => {
    const x = pct * 10 ** digits;
    let r = Math.round(x);
    if (Math.abs(x - Math.floor(x) - 0.5) < 1e-9 && r % 2) r -= 1; // a half: to even
    return r / 10 ** digits;
  };
  let digits = pct < 10 || pct > 90 ? 1 : 0;
  let v = round(digits);
  while (digits < 3 && ((share > 0 && v === 0) || (share < 1 && v === 100))) v = round(++digits);
  if (share > 0 && v === 0) return '< 0.001 %';
  if (share < 1 && v === 100) return '> 99.999 %';
  return `${v.toFixed(digits)} %`;
}

/** 0.0238 → "2.4 %", 0.0042 → "0.42 %" (a rate, no sign). */
function formatRate(share: number): string {
  const pct = share * 100;
  return `${pct > 0 && pct < 1 ? pct.toFixed(2) : pct.toFixed(1)} %`;
}

/** 0.0538 → "p = 0.054", 0.00002 → "p < 0.001". */
export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${Number(p.toPrecision(2))}`;
}

/** "+18 % (95 % CI +3 % to +33 %)", or in percentage points when no relative interval exists. */
function effect(c: TwoProportions, confidence: number): string {
  const level = `${Number((confidence * 100).toPrecision(3))} % CI`;
  if (c.relativeLift !== null && c.liftLow !== null && c.liftHigh !== null) {
    return `${formatLift(c.relativeLift)} (${level} ${formatLift(c.liftLow)} to ${formatLift(c.liftHigh)})`;
  }
  const pp = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x * 100).toFixed(2)}`;
  return `${pp(c.diff)} percentage points (${level} ${pp(c.diffLow)} to ${pp(c.diffHigh)})`;
}

/**
 * A plain-words verdict on a control/variant comparison, fixed horizon:
 * 1. an arm without visitors → `no-data`, unless the other arm's count already shows a broken split;
 * 2. the split is off (sample-ratio p < 0.001) → `sample-ratio-mismatch`, whatever the rates say;
 * 3. the planned sample per arm (from `plannedPerArm`, or {@link sampleSizePerArm} on `baseRate`
 *    or the control's current rate) not reached in both arms → `not-enough-data`, or
 *    `early-difference` when p < alpha already;
 * 4. reached: `variant-better` / `variant-worse` when p < alpha and the interval for the
 *    difference excludes 0 (both must agree; at the edge they can differ), else `no-difference`.
 * Every verdict before the planned sample ends with {@link EARLY_STOP_WARNING}, except a broken
 * split, which asks for the test to be restarted.
 */
export function verdict(control: Arm, variant: Arm, options: VerdictOptions = {}): Verdict {
  const mde = options.minDetectableEffect ?? 0.1;
  const k = Math.max(1, options.comparisons ?? 1);
  const alpha = (options.alpha ?? 0.05) / k;
  // Said wherever a verdict rests on significance with several variants against one control.
  const corrected = k > 1 ? ` With ${k} variants against one control, each needs ${formatP(alpha).replace('=', '<')} (Bonferroni).` : '';
  const power = options.power ?? 0.8;
  const confidence = 1 - alpha;
  const a = control.name;
  const b = variant.name;
  // A broken split is told to restart the test: "do not stop early" would contradict that.
  const result = (v: Omit<Verdict, 'text'>, text: string): Verdict =>
    ({ ...v, text: v.reached || v.kind === 'sample-ratio-mismatch' || text.endsWith(EARLY_STOP_WARNING) ? text : `${text} ${EARLY_STOP_WARNING}` });

  const sampleRatio = sampleRatioMismatch([control.visitors, variant.visitors], options.weights);
  const srm = (facts: Omit<Verdict, 'kind' | 'text'>) => {
    const share = (x: number) => `${Math.round((100 * x) / (control.visitors + variant.visitors))} %`;
    const planned = sampleRatio!.expected.map((e) => share(e)).join('/');
    return result({ kind: 'sample-ratio-mismatch', ...facts },
      `The split is off: ${a} has ${formatCount(control.visitors)} visitors and ${b} ${formatCount(variant.visitors)} (${share(control.visitors)}/${share(variant.visitors)}, planned ${planned}; ${formatP(sampleRatio!.p)}). ` +
      'Visitors are not being assigned as planned, so the rates cannot be compared: fix the assignment and restart the test.');
  };
  if (control.visitors === 0 || variant.visitors === 0) {
    // An arm that nobody reaches while the other fills up is the plainest broken split of all.
    if (sampleRatio && sampleRatio.p < SRM_THRESHOLD) return srm({ reached: false, sampleRatio });
    const none = [control, variant].filter((x) => x.visitors === 0).map((x) => x.name).join(' and ');
    return result({ kind: 'no-data', reached: false }, `No visitors in ${none} yet.`);
  }
  const comparison = twoProportions(control.conversions, control.visitors, variant.conversions, variant.visitors, confidence)!;
  const seen = Math.min(control.visitors, variant.visitors);
  // Planned on the control's rate; while it is 0 or 100 % (nothing to plan a lift on), on both arms' rate.
  const pooled = (control.conversions + variant.conversions) / (control.visitors + variant.visitors);
  const own = comparison.rate1 > 0 && comparison.rate1 < 1;
  const base = options.baseRate ?? (own ? comparison.rate1 : pooled);
  const plannedPerArm = options.plannedPerArm ?? (base > 0 && base < 1 && base * (1 + mde) < 1 ? sampleSizePerArm(base, mde, alpha, power) : undefined);
  const reached = plannedPerArm !== undefined && seen >= plannedPerArm;
  const facts = { plannedPerArm, reached, comparison, sampleRatio };

  if (sampleRatio && sampleRatio.p < SRM_THRESHOLD) return srm(facts);
  const significant = comparison.p < alpha && (comparison.diffLow > 0 || comparison.diffHigh < 0);
  const better = comparison.diff > 0;
  const change = `${formatLift(Math.abs(mde)).slice(1)} ${mde < 0 ? 'drop' : 'lift'}`;
  if (!reached) {
    let need: string;
    if (plannedPerArm !== undefined) {
      const on = options.baseRate === undefined && options.plannedPerArm === undefined ? ` (planned on ${own ? `${a}'s` : 'both arms\''} current rate of ${formatRate(base)})` : '';
      need = `Not enough visitors yet: ${formatCount(seen)} of the ${formatCount(plannedPerArm)} per variant needed to see a ${change}${on}.`;
    } else if (base === 0) {
      need = `Not enough data yet: no conversions in ${a} so far, so the visitors needed to see a ${change} cannot be worked out.`;
    } else if (base < 1) {
      // The largest lift the rate leaves room for, as a --mde that would work.
      need = `The visitors needed cannot be worked out: a ${change} on ${own ? `${a}'s` : 'both arms\''} rate of ${formatRate(base)} would be no rate between 0 and 100 %; plan the test with a minimum effect below ${formatLift(1 / base - 1).slice(1)} (--mde ${Math.floor((1 / base - 1) * 1000) / 10}).`;
    } else {
      need = 'Every visitor in both arms converts, so no variant can do better: there is nothing to test on this goal.';
    }
    if (comparison.p < alpha) {
      return result({ kind: 'early-difference', ...facts },
        `Variant ${b} looks ${better ? 'better' : 'worse'} than ${a} so far: ${effect(comparison, confidence)}, ${formatP(comparison.p)}.${corrected} This is not a result yet. ${need}`);
    }
    return result({ kind: 'not-enough-data', ...facts }, need);
  }
  if (significant) {
    return result({ kind: better ? 'variant-better' : 'variant-worse', ...facts },
      `Variant ${b} converts ${better ? 'better' : 'worse'} than ${a}: ${effect(comparison, confidence)}, ${formatP(comparison.p)}, and the planned sample is reached.${corrected}`);
  }
  const rates = `${a} ${formatRate(comparison.rate1)}, ${b} ${formatRate(comparison.rate2)}`;
  if (comparison.p < alpha) {
    return result({ kind: 'no-difference', ...facts },
      `Too close to call at the planned sample size: ${rates} (${formatP(comparison.p)}, but the interval for the difference still includes no change). Treat it as no proven difference.${corrected}`);
  }
  return result({ kind: 'no-difference', ...facts },
    `No difference found at the planned sample size: ${rates} (${formatP(comparison.p)}).${corrected} ` +
    `A real ${change} would have shown with ${Math.round(power * 100)} % probability; a smaller one may still exist.`);
}
