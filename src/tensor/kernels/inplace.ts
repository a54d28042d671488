/**
 * In-place loops over float32 memory, unrolled for V8. Used by clipping, SGD and the `_` ops.
 * Contiguous runs of storage in WebAssembly memory go to the SIMD kernels (same results).
 */
import { streamKernelsFor } from './wasm-storage.js';

/** d[start + k·stride] *= c for k in [0, count). */
export function scaleRange(
  d: Float32Array,
  start: number,
  count: number,
  c: number,
  stride = 1,
): void {
  if (stride !== 1) {
    for (let k = 0, i = start; k < count; k++, i += stride) d[i] *= c;
    return;
  }
  // Leftovers first, so the unrolled loop is the last code to run (see kernels/reduce.ts).
  const end = start + count;
  let i = start;
  for (const head = start + (count & 3); i < head; i++) d[i] *= c;
  const simd = streamKernelsFor(d, count);
  if (simd) return simd.scale(d.byteOffset + 4 * i, end - i, c);
  for (; i < end; i += 4) {
    d[i] *= c;
    d[i + 1] *= c;
    d[i + 2] *= c;
    d[i + 3] *= c;
  }
}

/**
 * clamp_min(lo) then clamp_max(hi), in place: NaN stays NaN, and with lo > hi every element
 * becomes hi (PyTorch's order of the two clamps).
 */
export function clampRange(
  d: Float32Array,
  start: number,
  count: number,
  lo: number,
  hi: number,
  stride = 1,
): void {
  const simd = stride === 1 ? streamKernelsFor(d, count) : undefined;
  const head = simd ? count & 3 : count;
  for (let k = 0, i = start; k < head; k++, i += stride) {
    const v = d[i];
    const up = v < lo ? lo : v;
    d[i] = up > hi ? hi : up;
  }
  if (simd) simd.clamp(d.byteOffset + 4 * (start + head), count - head, lo, hi);
}

/** float32 `x`'s bit pattern as an int32. */
function float32Bits(x: number): number {
  return new Int32Array(Float32Array.of(x).buffer)[0];
}

/**
 * clamp(x, -c, c) for c >= 0 on the float32 bit patterns: an element whose magnitude exceeds c
 * becomes ±c with its own sign; NaN and everything within [-c, c] is left untouched (so x = ±0
 * keeps its sign, and c = 0 gives ±0 like PyTorch). Integer compares on the bits run at memory
 * speed where float compares and conversions do not, and only out-of-range elements are written.
 */
export function clampSymmetric(
  d: Float32Array,
  start: number,
  count: number,
  c: number,
  stride = 1,
): void {
  const simd = stride === 1 ? streamKernelsFor(d, count) : undefined;
  if (simd) return clampRange(d, start, count, -c, c);
  const limit = float32Bits(c);
  const bits = new Int32Array(d.buffer, d.byteOffset, d.length);
  if (stride !== 1) {
    for (let k = 0, i = start; k < count; k++, i += stride) {
      const b = bits[i];
      const mag = b & 0x7fffffff;
      if (mag > limit && mag <= 0x7f800000) bits[i] = (b & -0x80000000) | limit;
    }
    return;
  }
  // Leftovers first (see kernels/reduce.ts), then four elements per step with one combined test
  // for the common case that all four are within range.
  const end = start + count;
  let i = start;
  for (const head = start + (count & 3); i < head; i++) {
    const b = bits[i];
    const mag = b & 0x7fffffff;
    if (mag > limit && mag <= 0x7f800000) bits[i] = (b & -0x80000000) | limit;
  }
  for (; i < end; i += 4) {
    const b0 = bits[i];
    const b1 = bits[i + 1];
    const b2 = bits[i + 2];
    const b3 = bits[i + 3];
    const m0 = b0 & 0x7fffffff;
    const m1 = b1 & 0x7fffffff;
    const m2 = b2 & 0x7fffffff;
    const m3 = b3 & 0x7fffffff;
    // Some magnitude exceeds the limit iff one of the differences is negative.
    if (((limit - m0) | (limit - m1) | (limit - m2) | (limit - m3)) < 0) {
      if (m0 > limit && m0 <= 0x7f800000) bits[i] = (b0 & -0x80000000) | limit;
      if (m1 > limit && m1 <= 0x7f800000) bits[i + 1] = (b1 & -0x80000000) | limit;
      if (m2 > limit && m2 <= 0x7f800000) bits[i + 2] = (b2 & -0x80000000) | limit;
      if (m3 > limit && m3 <= 0x7f800000) bits[i + 3] = (b3 & -0x80000000) | limit;
    }
  }
}
