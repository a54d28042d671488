/** Pure reduction kernels. Accumulation happens in float64 (JS numbers); results are stored as float32. */

import { numelOf } from '../shape.js';
import { gather, isContiguousLayout, type View } from './strided.js';
import { streamKernelsFor } from './wasm-storage.js';
import { ARENA_TABLES, allocLongLived, arenaKernelsFor, arenaScratch64 } from './arena.js';

/**
 * The elements of `view` laid out as `outer` rows of `inner` consecutive reduced elements
 * (kept dims first, reduced dims last). Copies only when the memory is not already in that order.
 */
export interface RowLayout {
  readonly data: Float32Array;
  readonly outer: number;
  readonly inner: number;
  /** The permutation applied: kept dims then reduced dims. */
  readonly perm: number[];
}

/**
 * `view` as rows over `dims` (see RowLayout). `scratch`: a copy goes into arena memory, which the
 * caller gives back (releaseToArena) once it has read it; otherwise into a plain array.
 */
export function rowLayout(view: View, dims: readonly number[], scratch = false): RowLayout {
  const nd = view.shape.length;
  const reduced = new Set(dims);
  const kept = [...Array(nd).keys()].filter((d) => !reduced.has(d));
  const perm = [...kept, ...dims];
  const shape = perm.map((d) => view.shape[d]);
  const strides = perm.map((d) => view.strides[d]);
  const inner = numelOf(dims.map((d) => view.shape[d]));
  const outer = numelOf(kept.map((d) => view.shape[d]));
  const n = inner * outer;
  const data = isContiguousLayout(shape, strides)
    ? view.buffer.subarray(view.offset, view.offset + n)
    : gather(
        { buffer: view.buffer, shape, strides, offset: view.offset },
        scratch ? allocLongLived(n, false) : new Float32Array(n),
      );
  return { data, outer, inner, perm };
}

export type RowReducer = (data: Float32Array, start: number, length: number) => number;

/**
 * Columns reduceLeading transposes at a time: 8 (32 bytes of each row). Wider blocks were slower
 * on a [1024, 1024] matrix (16: 1.2×, 32: 3× the time), as rows a power of two apart compete for
 * the same cache sets.
 */
const LEADING_BLOCK_COLUMNS = 8;
let leadingBlock = new Float32Array(0);

/**
 * `reducer` over each column of `data` seen as `rows` x `cols` row-major: what reduceRows gives for
 * the transposed layout (reducing the leading dims of contiguous memory, e.g. dim 0 of a matrix),
 * the same calls on the same rows, without gathering a transposed copy of the whole tensor: blocks
 * of columns are transposed into one reused buffer.
 */
export function reduceLeading(
  data: Float32Array,
  rows: number,
  cols: number,
  reducer: RowReducer,
): Float32Array {
  const out = new Float32Array(cols);
  const width = Math.min(cols, LEADING_BLOCK_COLUMNS);
  if (leadingBlock.length < width * rows) leadingBlock = new Float32Array(width * rows);
  const block = leadingBlock;
  for (let c0 = 0; c0 < cols; c0 += width) {
    const w = Math.min(width, cols - c0);
    for (let r = 0; r < rows; r++) {
      const base = r * cols + c0;
      for (let j = 0; j < w; j++) block[j * rows + r] = data[base + j];
    }
    for (let j = 0; j < w; j++) out[c0 + j] = reducer(block, j * rows, rows);
  }
  return out;
}

export function reduceRows(layout: RowLayout, reducer: RowReducer): Float32Array {
  const out = new Float32Array(layout.outer);
  for (let o = 0; o < layout.outer; o++)
    out[o] = reducer(layout.data, o * layout.inner, layout.inner);
  return out;
}

/*
 * The unrolled loops below use four independent float64 accumulators (breaking the add
 * dependency chain), and handle the n mod 4 leftover elements *before* the unrolled loop: V8
 * optimises the hot loop while it runs, and code after it that has never run would make that
 * optimised code bail out on every call. Storage in WebAssembly memory goes to the SIMD kernels
 * after the leftovers; they keep the same four accumulators, so the results are bit-identical.
 */

export const sumRow: RowReducer = (d, s, n) => {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const end = s + n;
  let i = s;
  for (const head = s + (n & 3); i < head; i++) a0 += d[i];
  const simd = streamKernelsFor(d, n);
  if (simd) return simd.sum(d.byteOffset + 4 * i, end - i, a0);
  for (; i < end; i += 4) {
    a0 += d[i];
    a1 += d[i + 1];
    a2 += d[i + 2];
    a3 += d[i + 3];
  }
  return a0 + a1 + (a2 + a3);
};

/** Σ x², unrolled like sumRow. */
export function sumSquares(d: Float32Array, s: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const end = s + n;
  let i = s;
  for (const head = s + (n & 3); i < head; i++) a0 += d[i] * d[i];
  const simd = streamKernelsFor(d, n);
  if (simd) return simd.sumSquares(d.byteOffset + 4 * i, end - i, a0);
  for (; i < end; i += 4) {
    const x0 = d[i];
    const x1 = d[i + 1];
    const x2 = d[i + 2];
    const x3 = d[i + 3];
    a0 += x0 * x0;
    a1 += x1 * x1;
    a2 += x2 * x2;
    a3 += x3 * x3;
  }
  return a0 + a1 + (a2 + a3);
}

/** Σ |x|, unrolled like sumRow. */
export function sumAbs(d: Float32Array, s: number, n: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const end = s + n;
  let i = s;
  for (const head = s + (n & 3); i < head; i++) a0 += Math.abs(d[i]);
  const simd = streamKernelsFor(d, n);
  if (simd) return simd.sumAbs(d.byteOffset + 4 * i, end - i, a0);
  for (; i < end; i += 4) {
    a0 += Math.abs(d[i]);
    a1 += Math.abs(d[i + 1]);
    a2 += Math.abs(d[i + 2]);
    a3 += Math.abs(d[i + 3]);
  }
  return a0 + a1 + (a2 + a3);
}

/** max |x|, NaN if any element is NaN (tracked through a running sum, which only NaN can make NaN). */
export function maxAbs(d: Float32Array, s: number, n: number): number {
  let m0 = 0;
  let m1 = 0;
  let nan = 0;
  const end = s + n;
  let i = s;
  const simd = streamKernelsFor(d, n);
  if (simd) {
    for (const head = s + (n & 3); i < head; i++) {
      const x = Math.abs(d[i]);
      nan += x;
      if (x > m0) m0 = x;
    }
    const m = simd.maxAbs(d.byteOffset + 4 * i, end - i);
    return nan !== nan || m !== m ? NaN : m0 > m ? m0 : m;
  }
  if (n & 1) {
    m0 = Math.abs(d[i++]);
    nan = m0;
  }
  for (; i < end; i += 2) {
    const x0 = Math.abs(d[i]);
    const x1 = Math.abs(d[i + 1]);
    nan += x0 + x1;
    if (x0 > m0) m0 = x0;
    if (x1 > m1) m1 = x1;
  }
  return nan !== nan ? NaN : m0 > m1 ? m0 : m1;
}

export const prodRow: RowReducer = (d, s, n) => {
  let acc = 1;
  for (let i = s; i < s + n; i++) acc *= d[i];
  return acc;
};

/** max with NaN propagation, like PyTorch. */
export const maxRow: RowReducer = (d, s, n) => {
  let m = -Infinity;
  for (let i = s; i < s + n; i++) {
    const v = d[i];
    if (v !== v) return NaN;
    if (v > m) m = v;
  }
  return m;
};

export const minRow: RowReducer = (d, s, n) => {
  let m = Infinity;
  for (let i = s; i < s + n; i++) {
    const v = d[i];
    if (v !== v) return NaN;
    if (v < m) m = v;
  }
  return m;
};

/** Index of the first extreme element (NaN wins, as in PyTorch), relative to the row start. */
export function argRow(d: Float32Array, s: number, n: number, largest: boolean): number {
  let best = 0;
  let bv = d[s];
  if (bv !== bv) return 0;
  for (let i = 1; i < n; i++) {
    const v = d[s + i];
    if (v !== v) return i;
    if (largest ? v > bv : v < bv) {
      bv = v;
      best = i;
    }
  }
  return best;
}

/** `linalg.vector_norm` of one row, for every order PyTorch supports. */
export function normRow(p: number): RowReducer {
  if (p === 2) return (d, s, n) => Math.sqrt(sumSquares(d, s, n));
  if (p === 1) return sumAbs;
  if (p === Infinity) return maxAbs;
  if (p === -Infinity) {
    return (d, s, n) => {
      let m = Infinity;
      for (let i = s; i < s + n; i++) {
        const v = Math.abs(d[i]);
        if (v !== v) return NaN;
        if (v < m) m = v;
      }
      return m;
    };
  }
  if (p === 0) {
    return (d, s, n) => {
      let count = 0;
      for (let i = s; i < s + n; i++) if (d[i] !== 0) count++;
      return count;
    };
  }
  return (d, s, n) => {
    let acc = 0;
    for (let i = s; i < s + n; i++) acc += Math.pow(Math.abs(d[i]), p);
    return Math.pow(acc, 1 / p);
  };
}

/** Per-row mean and the sum of squared deviations (two-pass, numerically stable). */
export function varianceRows(
  layout: RowLayout,
  correction: number,
  takeSqrt: boolean,
): Float32Array {
  const { inner } = layout;
  return reduceRows(layout, (d, s, n) => {
    let mean = 0;
    for (let i = s; i < s + n; i++) mean += d[i];
    mean /= n;
    let ss = 0;
    for (let i = s; i < s + n; i++) ss += (d[i] - mean) * (d[i] - mean);
    const v = ss / Math.max(0, inner - correction);
    return takeSqrt ? Math.sqrt(v) : v;
  });
}

/**
 * Sum over the leading `rows` of a contiguous `[rows, cols]` block: the bias-gradient shape,
 * done column-wise without any transposed copy. Each column is one float64 accumulator that adds
 * the rows in order; four rows are added per pass over the accumulators (the same additions in
 * the same order, so the same bits), which quarters the accumulator loads and stores.
 */
export function sumLeading(data: Float32Array, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  // SIMD over pairs of columns for data in the arena (double accumulators in its scratch, the
  // same additions in the same order); an odd last column stays with the loops below.
  const simd =
    cols >= 2 && cols * 8 <= ARENA_TABLES ? arenaKernelsFor(rows * cols, data) : undefined;
  const even = simd === undefined ? 0 : cols - (cols & 1);
  if (simd !== undefined) {
    const scratch = arenaScratch64()!;
    scratch.fill(0, 0, even);
    simd.sumRows(data.byteOffset, rows, cols, even, 0);
    acc.set(scratch.subarray(0, even));
    if (even === cols) return Float32Array.from(acc);
  }
  let r = 0;
  for (const head = rows & 3; r < head; r++) {
    const base = r * cols;
    for (let c = even; c < cols; c++) acc[c] += data[base + c];
  }
  for (; r < rows; r += 4) {
    const b0 = r * cols;
    const b1 = b0 + cols;
    const b2 = b1 + cols;
    const b3 = b2 + cols;
    for (let c = even; c < cols; c++)
      acc[c] = acc[c] + data[b0 + c] + data[b1 + c] + data[b2 + c] + data[b3 + c];
  }
  return Float32Array.from(acc);
}
