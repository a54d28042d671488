/** Scalar special functions JavaScript's Math lacks: erf, erfinv, round-half-even. Pure numbers. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** The error function to double precision: Taylor series near 0, a continued fraction in the tails. */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  if (a < 2) {
    // Σ (-1)^n x^(2n+1) / (n! (2n+1)): the terms shrink fast enough for |x| < 2.
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * sum;
  }
  if (a > 6) return x > 0 ? 1 : -1;
  const e = erfcLarge(a);
  return x > 0 ? 1 - e : e - 1;
}

/** erfc(a) for a >= 2 by Laplace's continued fraction, evaluated from the tail. */
function erfcLarge(a: number): number {
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (a + f);
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
}

/** Giles' coefficients for erfinv's start, highest power first: in w - 2.5 when w < 5. */
const ERFINV_CENTRAL = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
  -0.00417768164, 0.246640727, 1.50140941,
];
/** The same for the tails (w >= 5), in sqrt(w) - 3. */
const ERFINV_TAIL = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
  0.00943887047, 1.00167406, 2.83297682,
];

/** Inverse error function: a single-precision rational start refined by Newton steps on `erf`. */
export function erfinv(y: number): number {
  if (y !== y || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (y === 0) return y;
  // Giles' approximation ("Approximating the erfinv function", 2010) as the starting point.
  const w = -Math.log((1 - y) * (1 + y));
  const central = w < 5;
  const t = central ? w - 2.5 : Math.sqrt(w) - 3;
  // Horner's rule from the highest coefficient (p starts at 0, so the first step gives it exactly).
  let p = 0;
  for (const c of central ? ERFINV_CENTRAL : ERFINV_TAIL) p = c + p * t;
  let x = p * y;
  for (let i = 0; i < 3; i++) {
    const d = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    if (d === 0) break;
    x -= (erf(x) - y) / d;
  }
  return x;
}

/** Rounds half to even, keeping the sign of zero (C's nearbyint in the default rounding mode). */
export function roundHalfEven(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const d = v - f;
  let r: number;
  if (d < 0.5) r = f;
  else if (d > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  return r === 0 ? (v < 0 || Object.is(v, -0) ? -0 : 0) : r;
}
