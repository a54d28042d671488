/**
 * Branch-free mask kernels: relu and the `x > 0` selections of its backward. A branchy loop
 * (`v > 0 ? v : 0`) mispredicts on every other element of random-signed data (10 ms per 1M
 * elements here, 4x the all-positive case); these kernels decide on the float32 bit patterns
 * with integer masks, so their speed does not depend on the data. They give the same bits as the
 * branchy loops they replace (kernels/masks.test.ts), with NaN written as the canonical quiet NaN
 * just as storing JavaScript's `NaN` does.
 *
 * The arena's SIMD kernels of the same name do the leading multiple of 4 elements, with the same
 * bits, on the arrays where they live there and through its scratch where they do not
 * (kernels/arena.ts).
 */
import { arenaElementwise, streamKernels } from './arena.js';

const QUIET_NAN = 0x7fc00000;
const INFINITY_BITS = 0x7f800000;

/** An all-ones int32 mask where the float32 bits `b` are NaN, else 0. */
const nanMask = (b: number): number => (INFINITY_BITS - (b & 0x7fffffff)) >> 31;

/**
 * out = relu(x): x where x > 0, NaN where x is NaN, +0 elsewhere (also for -0); the same bits as
 * `v > 0 ? v : v === v ? 0 : NaN`. `x` and `out` may be the same array (relu_).
 */
export function reluInto(x: Float32Array, out: Float32Array): void {
  const n = Math.min(x.length, out.length);
  const done = arenaElementwise(x.subarray(0, n), null, out.subarray(0, n), (px, _, po, m) =>
    streamKernels()!.relu(px, po, m),
  );
  const xb = new Int32Array(x.buffer, x.byteOffset, n);
  const ob = new Int32Array(out.buffer, out.byteOffset, n);
  for (let i = done; i < n; i++) {
    const b = xb[i];
    const nan = nanMask(b);
    // b >> 31 is all ones for a set sign bit: clear those, unless NaN (then the quiet NaN).
    ob[i] = (b & ~(b >> 31) & ~nan) | (nan & QUIET_NAN);
  }
}

/**
 * Runs the arena's SIMD kernel `name` (out = g masked by y) on the leading multiple of 4 of n
 * elements (see arenaElementwise); returns how many it did (0 when it could not).
 */
function maskInArena(
  name: 'selectPositive' | 'reluBackward',
  y: Float32Array,
  g: Float32Array,
  out: Float32Array,
  n: number,
): number {
  return arenaElementwise(y.subarray(0, n), g.subarray(0, n), out.subarray(0, n), (py, pg, po, m) =>
    streamKernels()![name](py, pg, po, m),
  );
}

/**
 * out = where(y > 0, g, 0) elementwise over same-length arrays: relu's backward given its output
 * `y` (also the mask of clamp and abs-like selections). g's bits pass unchanged where y > 0; +0
 * elsewhere, NaN y included. `out` may alias `g`.
 */
export function selectPositive(y: Float32Array, g: Float32Array, out: Float32Array): void {
  const n = Math.min(y.length, g.length, out.length);
  const done = maskInArena('selectPositive', y, g, out, n);
  const yb = new Int32Array(y.buffer, y.byteOffset, n);
  const gb = new Int32Array(g.buffer, g.byteOffset, n);
  const ob = new Int32Array(out.buffer, out.byteOffset, n);
  for (let i = done; i < n; i++) {
    const b = yb[i];
    // y > 0 exactly when its bits are in [1, 0x7f800000] as a signed integer (+denormals to +inf).
    ob[i] = gb[i] & ~(((b - 1) | (INFINITY_BITS - b)) >> 31);
  }
}

/**
 * out = g where y <= 0 is false, +0 elsewhere: relu's backward from its output `y`, as PyTorch's
 * threshold_backward (a NaN `y` passes g). `out` may alias `g`.
 */
export function reluBackwardInto(y: Float32Array, g: Float32Array, out: Float32Array): void {
  const n = Math.min(y.length, g.length, out.length);
  const done = maskInArena('reluBackward', y, g, out, n);
  const yb = new Int32Array(y.buffer, y.byteOffset, n);
  const gb = new Int32Array(g.buffer, g.byteOffset, n);
  const ob = new Int32Array(out.buffer, out.byteOffset, n);
  for (let i = done; i < n; i++) {
    const b = yb[i];
    // y <= 0: a set sign bit on a non-NaN, or ±0 (all bits but the sign clear).
    const negative = (b >> 31) & ~nanMask(b);
    const zero = ((b & 0x7fffffff) - 1) >> 31;
    ob[i] = gb[i] & ~(negative | zero);
  }
}

/**
 * out = c != 0 ? x : y over same-length arrays (a NaN c counts as nonzero, ±0 as zero), branch-free
 * on the bit patterns, so random masks do not mispredict; a NaN result is quieted, as copying it
 * through a float64 does. `out` may be any of the others.
 */
export function selectInto(
  c: Float32Array,
  x: Float32Array,
  y: Float32Array,
  out: Float32Array,
): void {
  const n = out.length;
  const cb = new Int32Array(c.buffer, c.byteOffset, n);
  const xb = new Int32Array(x.buffer, x.byteOffset, n);
  const yb = new Int32Array(y.buffer, y.byteOffset, n);
  const ob = new Int32Array(out.buffer, out.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const t = cb[i] & 0x7fffffff;
    const keepX = (t | -t) >> 31; // all ones where c is not ±0
    const r = (xb[i] & keepX) | (yb[i] & ~keepX);
    ob[i] = r | (nanMask(r) & 0x400000);
  }
}
