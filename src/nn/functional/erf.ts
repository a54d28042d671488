/**
 * erf rounded to float32, for gelu: fitted polynomials (erf-coefficients.ts, from
 * scripts/fits/erf.py) accurate to a few double ulps, then one rounding to float32: the same
 * float32 as erf's series gives (compared once over every float32 input and gelu's x/√2 of each),
 * several times faster.
 */
import { ERFC_MIDDLE, ERFC_NEAR, ERF_NEAR_ZERO } from './erf-coefficients.js';

/**
 * c[0]·x^d + … + c[d] (d a multiple of 4) as Q0(x⁴) + x·Q3(x⁴) + x²·(Q2(x⁴) + x·Q1(x⁴)): four
 * Horner chains that run side by side instead of one four times as long, whose every step waits
 * on the one before.
 */
function polynomial(c: readonly number[], x: number): number {
  const x2 = x * x;
  const y = x2 * x2;
  const d = c.length - 1;
  let q0 = c[0];
  let q1 = c[1];
  let q2 = c[2];
  let q3 = c[3];
  for (let i = 4; i < d; i += 4) {
    q0 = q0 * y + c[i];
    q1 = q1 * y + c[i + 1];
    q2 = q2 * y + c[i + 2];
    q3 = q3 * y + c[i + 3];
  }
  return q0 * y + c[d] + x * q3 + x2 * (q2 + x * q1);
}

/** 2^27 + 1: Dekker's constant, splitting a double into two halves whose products are exact. */
const SPLIT = 134217729;

/** exp(−v²), with v² split exactly into hi + lo so that its rounding does not reach the result. */
function expMinusSquare(v: number): number {
  const hi = v * v;
  const c = SPLIT * v;
  const vh = c - (c - v);
  const vl = v - vh;
  const lo = vh * vh - hi + 2 * vh * vl + vl * vl;
  return Math.exp(-hi) * (1 - lo);
}

/**
 * `Math.fround(erf(v))`: erf in double to a few ulps (x·A(x²) up to |x| = 1, then
 * 1 − exp(−x²)·B(x) below 4.5), rounded once. From |v| = 4.5, erfc(v) < 2^-32 and the result is
 * ±1; NaN gives NaN.
 *
 * @param v - Any number.
 * @returns erf(v) rounded to float32.
 */
export function erfFloat32(v: number): number {
  const a = Math.abs(v);
  if (!(a > 1)) return Math.fround(v * polynomial(ERF_NEAR_ZERO, v * v));
  if (a >= 4.5) return v > 0 ? 1 : -1;
  const erfc = expMinusSquare(a) * polynomial(ERFC_NEAR, a - ERFC_MIDDLE);
  return Math.fround(v > 0 ? 1 - erfc : erfc - 1);
}
