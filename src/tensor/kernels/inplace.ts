/** In-place loops over float32 memory, unrolled for V8. Used by clipping, SGD and the `_` ops. */

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
  const end = start + count;
  const end4 = start + (count & ~3);
  let i = start;
  for (; i < end4; i += 4) {
    d[i] *= c;
    d[i + 1] *= c;
    d[i + 2] *= c;
    d[i + 3] *= c;
  }
  for (; i < end; i++) d[i] *= c;
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
  for (let k = 0, i = start; k < count; k++, i += stride) {
    const v = d[i];
    const up = v < lo ? lo : v;
    d[i] = up > hi ? hi : up;
  }
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * clamp(x, -c, c) for c >= 0 on the float32 bit patterns, branch-free: an element whose
 * magnitude exceeds c becomes ±c with its own sign; NaN and everything within [-c, c] is left
 * untouched (so x = ±0 keeps its sign, and c = 0 gives ±0 like PyTorch). Integer compares avoid
 * the branch mispredictions a float clamp suffers when many elements sit at the bounds.
 */
export function clampSymmetric(
  d: Float32Array,
  start: number,
  count: number,
  c: number,
  stride = 1,
): void {
  f32[0] = c;
  const limit = i32[0];
  const bits = new Int32Array(d.buffer, d.byteOffset, d.length);
  if (stride === 1) {
    const end = start + count;
    for (let i = start; i < end; i++) {
      const b = bits[i];
      const mag = b & 0x7fffffff;
      // -1 where mag > limit and the element is not NaN (mag <= 0x7f800000), else 0.
      const over = ((limit - mag) >> 31) & ~((0x7f800000 - mag) >> 31);
      bits[i] = (b & ~over) | (((b & -0x80000000) | limit) & over);
    }
    return;
  }
  for (let k = 0, i = start; k < count; k++, i += stride) {
    const b = bits[i];
    const mag = b & 0x7fffffff;
    const over = ((limit - mag) >> 31) & ~((0x7f800000 - mag) >> 31);
    bits[i] = (b & ~over) | (((b & -0x80000000) | limit) & over);
  }
}
