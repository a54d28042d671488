/** Pure elementwise kernels with contiguous fast paths and a general broadcasting walker. */

import { numelOf, type Shape } from '../shape.js';
import { broadcastStrides, isContiguousLayout, type View } from './strided.js';
import {
  allInArena,
  allocForWrite,
  arenaElementwise,
  arenaOperand,
  arenaSplat,
  streamKernels,
} from './arena.js';

export type UnaryFn = (x: number) => number;
export type BinaryFn = (a: number, b: number) => number;

/** A binary op: the scalar rule plus optional tight loops for the common layouts. */
export interface BinaryKernel {
  readonly fn: BinaryFn;
  /** Both operands contiguous with the same shape. */
  readonly same?: (a: Float32Array, b: Float32Array, out: Float32Array) => void;
  /** Left operand contiguous, right operand a single value. */
  readonly right?: (a: Float32Array, s: number, out: Float32Array) => void;
  /** Left operand a single value, right operand contiguous (`1 - x`, `2 / x`). */
  readonly left?: (s: number, b: Float32Array, out: Float32Array) => void;
  /** The arena kernel doing `fn`, which broadcast rows call where they lie. */
  readonly simd?: ArenaBinary;
}

/** Contiguous data of a view, without copying when it already is contiguous. */
export function contiguousData(v: View): Float32Array | null {
  if (!isContiguousLayout(v.shape, v.strides)) return null;
  return v.buffer.subarray(v.offset, v.offset + numelOf(v.shape));
}

export function mapUnary(
  x: Float32Array,
  fn: UnaryFn,
  out: Float32Array = new Float32Array(x.length),
): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]);
  return out;
}

/**
 * Walks two strided operands over `shape` row by row (innermost dim), handing each row's
 * offsets and strides to `body`.
 */
function forEachRow2(
  shape: Shape,
  sa: readonly number[],
  oa: number,
  sb: readonly number[],
  ob: number,
  body: (
    offA: number,
    offB: number,
    start: number,
    len: number,
    strideA: number,
    strideB: number,
  ) => void,
): void {
  const nd = shape.length;
  if (nd === 0) {
    body(oa, ob, 0, 1, 0, 0);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const len = shape[nd - 1];
  const counter = new Array<number>(nd - 1).fill(0);
  let offA = oa;
  let offB = ob;
  let start = 0;
  for (;;) {
    body(offA, offB, start, len, sa[nd - 1], sb[nd - 1]);
    start += len;
    let d = nd - 2;
    while (d >= 0) {
      counter[d]++;
      offA += sa[d];
      offB += sb[d];
      if (counter[d] < shape[d]) break;
      offA -= sa[d] * shape[d];
      offB -= sb[d] * shape[d];
      counter[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/** `out[i] = kernel(a[i], b[i])` with `a` and `b` broadcast to `outShape`. */
export function mapBinary(a: View, b: View, outShape: Shape, kernel: BinaryKernel): Float32Array {
  const n = numelOf(outShape);
  const out = allocForWrite(n);
  const ca = contiguousData(a);
  const cb = contiguousData(b);
  const fn = kernel.fn;
  if (ca && cb && ca.length === n && cb.length === n) {
    if (kernel.same) kernel.same(ca, cb, out);
    else for (let i = 0; i < n; i++) out[i] = fn(ca[i], cb[i]);
    return out;
  }
  if (ca && ca.length === n && numelOf(b.shape) === 1) {
    const s = b.buffer[b.offset];
    if (kernel.right) kernel.right(ca, s, out);
    else for (let i = 0; i < n; i++) out[i] = fn(ca[i], s);
    return out;
  }
  if (cb && cb.length === n && numelOf(a.shape) === 1) {
    const s = a.buffer[a.offset];
    if (kernel.left) kernel.left(s, cb, out);
    else for (let i = 0; i < n; i++) out[i] = fn(s, cb[i]);
    return out;
  }
  const sa = broadcastStrides(a.shape, a.strides, outShape);
  const sb = broadcastStrides(b.shape, b.strides, outShape);
  const da = a.buffer;
  const db = b.buffer;
  // Rows that are contiguous or broadcast (a bias row, a [N, 1] column) run the tight loops: on
  // the arena's kernel, called with each row's addresses, when the output lives there (a small
  // plain operand is copied into the scratch once); else through the loops' own kernels.
  const { same, right, left, simd } = kernel;
  const k =
    simd !== undefined && outShape[outShape.length - 1] >= 16 && allInArena(n, out)
      ? streamKernels()![simd]
      : undefined;
  const baseA = k ? arenaOperand(da, 0) : -1;
  const baseB = k ? arenaOperand(db, 1) : -1;
  forEachRow2(outShape, sa, a.offset, sb, b.offset, (offA, offB, start, len, strideA, strideB) => {
    // Strides 1 and 1, or 1 and 0 (a splat of the broadcast value): their bits are at most bit 0.
    if (baseA >= 0 && baseB >= 0 && (strideA | strideB) === 1) {
      const m = len - (len & 3);
      const pa = strideA ? baseA + 4 * offA : arenaSplat(da[offA]);
      const pb = strideB ? baseB + 4 * offB : arenaSplat(db[offB]);
      k!(pa, 16 * strideA, pb, 16 * strideB, out.byteOffset + 4 * start, m);
      for (let j = m; j < len; j++)
        out[start + j] = fn(da[offA + j * strideA], db[offB + j * strideB]);
      return;
    }
    const o = out.subarray(start, start + len);
    if (same && strideA === 1 && strideB === 1)
      same(da.subarray(offA, offA + len), db.subarray(offB, offB + len), o);
    else if (right && strideA === 1 && strideB === 0)
      right(da.subarray(offA, offA + len), db[offB], o);
    else if (left && strideA === 0 && strideB === 1)
      left(da[offA], db.subarray(offB, offB + len), o);
    else for (let j = 0; j < len; j++) o[j] = fn(da[offA + j * strideA], db[offB + j * strideB]);
  });
  return out;
}

/** The arena's two-operand kernels (see StreamKernels). */
export type ArenaBinary =
  'add' | 'sub' | 'mul' | 'div' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'maximum' | 'minimum';

/**
 * Runs `out = a op b` on the arena's SIMD kernel (operands and output anywhere, see
 * arenaElementwise); returns how many leading elements it did (a multiple of 4, 0 when it could
 * not run): the loop finishes the rest.
 */
export function simdSame(
  op: ArenaBinary,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
): number {
  return arenaElementwise(a, b, out, (pa, pb, po, m) =>
    streamKernels()![op](pa, 16, pb, 16, po, m),
  );
}

/**
 * As simdSame, for `a op s` (or `s op a` when `scalarFirst`): only when s is a float32 value, as
 * the kernel reads it.
 */
export function simdScalar(
  op: ArenaBinary,
  a: Float32Array,
  s: number,
  out: Float32Array,
  scalarFirst = false,
): number {
  if (Math.fround(s) !== s && s === s) return 0;
  return arenaElementwise(a, null, out, (pa, _, po, m) => {
    const ps = arenaSplat(s);
    if (scalarFirst) streamKernels()![op](ps, 0, pa, 16, po, m);
    else streamKernels()![op](pa, 16, ps, 0, po, m);
  });
}

/**
 * Runs `out = clamp(x, lo, hi)` (NaN passes) on the arena's SIMD kernel when neither bound is NaN;
 * returns how many leading elements it did (0 when it could not run).
 */
export function simdClamp(x: Float32Array, lo: number, hi: number, out: Float32Array): number {
  if (lo !== lo || hi !== hi) return 0;
  const zeros = (Object.is(lo, -0) ? 1 : 0) | (Object.is(hi, 0) ? 2 : 0);
  return arenaElementwise(x, null, out, (px, _, po, m) =>
    streamKernels()!.clampRange(px, po, m, lo, hi, zeros),
  );
}

/**
 * leakyRelu's forward (`g` null: out = x > 0 ? x : x·slope) or backward (out = x > 0 ? g : g·slope)
 * on the arena's SIMD kernel, the products in double rounded to float32 as the loops store them;
 * returns how many leading elements it did.
 */
export function simdLeakyRelu(
  x: Float32Array,
  g: Float32Array | null,
  slope: number,
  out: Float32Array,
): number {
  return arenaElementwise(x, g, out, (px, pg, po, m) =>
    streamKernels()!.leakyRelu(px, g === null ? px : pg, po, m, slope, g === null ? 0 : 1),
  );
}

export const addKernel: BinaryKernel = {
  simd: 'add',
  fn: (a, b) => a + b,
  left: (s, b, out) => {
    for (let i = simdScalar('add', b, s, out); i < out.length; i++) out[i] = s + b[i];
  },
  same: (a, b, out) => {
    for (let i = simdSame('add', a, b, out); i < out.length; i++) out[i] = a[i] + b[i];
  },
  right: (a, s, out) => {
    for (let i = simdScalar('add', a, s, out); i < out.length; i++) out[i] = a[i] + s;
  },
};

export const subKernel: BinaryKernel = {
  simd: 'sub',
  fn: (a, b) => a - b,
  left: (s, b, out) => {
    for (let i = simdScalar('sub', b, s, out, true); i < out.length; i++) out[i] = s - b[i];
  },
  same: (a, b, out) => {
    for (let i = simdSame('sub', a, b, out); i < out.length; i++) out[i] = a[i] - b[i];
  },
  right: (a, s, out) => {
    for (let i = simdScalar('sub', a, s, out); i < out.length; i++) out[i] = a[i] - s;
  },
};

export const mulKernel: BinaryKernel = {
  simd: 'mul',
  fn: (a, b) => a * b,
  left: (s, b, out) => {
    for (let i = simdScalar('mul', b, s, out); i < out.length; i++) out[i] = s * b[i];
  },
  same: (a, b, out) => {
    for (let i = simdSame('mul', a, b, out); i < out.length; i++) out[i] = a[i] * b[i];
  },
  right: (a, s, out) => {
    for (let i = simdScalar('mul', a, s, out); i < out.length; i++) out[i] = a[i] * s;
  },
};

export const divKernel: BinaryKernel = {
  simd: 'div',
  fn: (a, b) => a / b,
  same: (a, b, out) => {
    for (let i = simdSame('div', a, b, out); i < out.length; i++) out[i] = a[i] / b[i];
  },
  right: (a, s, out) => {
    for (let i = simdScalar('div', a, s, out); i < out.length; i++) out[i] = a[i] / s;
  },
};
