/**
 * Rényi differential privacy of the sampled Gaussian mechanism (Mironov, Talwar and Zhang, 2019,
 * "Rényi Differential Privacy of the Sampled Gaussian Mechanism", section 3.3) and its conversion
 * to (ε, δ) (Balle et al., 2020, "Hypothesis testing interpretations and Rényi differential
 * privacy", theorem 21) — the analysis Opacus's RDP accountant runs, in double precision.
 */

/** Opacus's default RDP orders: 1.1, 1.2, …, 10.9, then 12, 13, …, 63. */
export const DEFAULT_ALPHAS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10.0),
  ...Array.from({ length: 52 }, (_, x) => 12 + x),
]);

/** log(eˣ + eʸ) without overflow. */
function logAdd(logx: number, logy: number): number {
  const a = Math.min(logx, logy);
  const b = Math.max(logx, logy);
  if (a === -Infinity) return b;
  return Math.log1p(Math.exp(a - b)) + b;
}

/** log(eˣ − eʸ) for x ≥ y. */
function logSub(logx: number, logy: number): number {
  if (logx < logy)
    throw new RangeError('rdp: the result of a log-space subtraction must be non-negative');
  if (logy === -Infinity) return logx;
  if (logx === logy) return -Infinity;
  const d = Math.expm1(logx - logy);
  // expm1 overflows only when logy is negligible next to logx.
  return Number.isFinite(d) ? Math.log(d) + logy : logx;
}

/** The binomial coefficient C(α, i) for a real α and an integer i ≥ 0 (negative for some real α). */
function binom(alpha: number, i: number): number {
  let c = 1;
  for (let k = 0; k < i; k++) c *= (alpha - k) / (k + 1);
  return c;
}

/** erf(x) for |x| < 3 by its everywhere-positive series e^(−x²)·Σ 2ⁿx^(2n+1)/(2n+1)!!. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** log(√π·eˣ²·erfc(x)) for x ≥ 2, by erfc's continued fraction (modified Lentz). */
function logScaledErfcTail(x: number): number {
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -Math.log(f);
}

/**
 * log(erfc(x)), accurate for large x where erfc underflows.
 *
 * @param x - Any real number.
 * @returns log(erfc(x)).
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
  if (x < 2) return Math.log(1 - erfSeries(x));
  return -x * x - 0.5 * Math.log(Math.PI) + logScaledErfcTail(x);
}

function logAForIntAlpha(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  for (let i = 0; i <= alpha; i++) {
    const logCoef = Math.log(binom(alpha, i)) + i * Math.log(q) + (alpha - i) * Math.log(1 - q);
    logA = logAdd(logA, logCoef + (i * i - i) / (2 * sigma ** 2));
  }
  return logA;
}

function logAForFracAlpha(q: number, sigma: number, alpha: number): number {
  // The two tails of the series, summed separately in log space.
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma ** 2 * Math.log(1 / q - 1) + 0.5;
  for (let i = 0; ; i++) {
    const coef = binom(alpha, i);
    const logCoef = Math.log(Math.abs(coef));
    const j = alpha - i;
    const logT0 = logCoef + i * Math.log(q) + j * Math.log(1 - q);
    const logT1 = logCoef + j * Math.log(q) + i * Math.log(1 - q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const logS0 = logT0 + (i * i - i) / (2 * sigma ** 2) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma ** 2) + logE1;
    if (coef > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

/**
 * The RDP of one step of the sampled Gaussian mechanism at order α.
 *
 * @param q - Sampling rate in [0, 1].
 * @param sigma - Noise multiplier (noise std / sensitivity), ≥ 0.
 * @param alpha - The order, > 1.
 * @returns The RDP ε(α) of one step; `Infinity` without noise.
 */
export function rdpOfStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (q === 1) return alpha / (2 * sigma ** 2);
  if (!Number.isFinite(alpha)) return Infinity;
  const logA = Number.isInteger(alpha)
    ? logAForIntAlpha(q, sigma, alpha)
    : logAForFracAlpha(q, sigma, alpha);
  return logA / (alpha - 1);
}

/**
 * The RDP of `steps` compositions of the sampled Gaussian mechanism at each order.
 *
 * @param q - Sampling rate in [0, 1].
 * @param noiseMultiplier - σ, the noise std relative to the sensitivity.
 * @param steps - Number of steps.
 * @param orders - The RDP orders (default Opacus's).
 * @returns One RDP value per order.
 */
export function computeRdp(
  q: number,
  noiseMultiplier: number,
  steps: number,
  orders: readonly number[] = DEFAULT_ALPHAS,
): number[] {
  return orders.map((a) => rdpOfStep(q, noiseMultiplier, a) * steps);
}

/**
 * Converts RDP guarantees at several orders to (ε, δ)-DP: the smallest
 * ε(α) = rdp(α) − (log δ + log α)/(α − 1) + log((α − 1)/α) over the orders.
 *
 * @param orders - The orders.
 * @param rdp - The RDP at each order.
 * @param delta - The target δ in (0, 1).
 * @returns `{ epsilon, bestAlpha }` (`Infinity`/`NaN` when every order is NaN).
 * @throws RangeError when the lists differ in length.
 */
export function getPrivacySpent(
  orders: readonly number[],
  rdp: readonly number[],
  delta: number,
): {
  /** The smallest ε over the orders. */
  epsilon: number;
  /** The order α that gives it. */
  bestAlpha: number;
} {
  if (orders.length !== rdp.length)
    throw new RangeError(
      `getPrivacySpent: orders and rdp must have the same length, got ${orders.length} and ${rdp.length}`,
    );
  let best = NaN;
  let bestAlpha = NaN;
  orders.forEach((a, k) => {
    const eps = rdp[k] - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
    if (!Number.isNaN(eps) && (Number.isNaN(best) || eps < best)) {
      best = eps;
      bestAlpha = a;
    }
  });
  if (Number.isNaN(best)) return { epsilon: Infinity, bestAlpha: NaN };
  return { epsilon: best, bestAlpha };
}
