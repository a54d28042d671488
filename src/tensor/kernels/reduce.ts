/** Pure reduction kernels. Accumulation happens in float64 (JS numbers); results are stored as float32. */

import { numelOf } from '../shape.js';
import { gather, isContiguousLayout, type View } from './strided.js';

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

export function rowLayout(view: View, dims: readonly number[]): RowLayout {
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
    : gather({ buffer: view.buffer, shape, strides, offset: view.offset }, new Float32Array(n));
  return { data, outer, inner, perm };
}

export type RowReducer = (data: Float32Array, start: number, length: number) => number;

export function reduceRows(layout: RowLayout, reducer: RowReducer): Float32Array {
  const out = new Float32Array(layout.outer);
  for (let o = 0; o < layout.outer; o++)
    out[o] = reducer(layout.data, o * layout.inner, layout.inner);
  return out;
}

export const sumRow: RowReducer = (d, s, n) => {
  let acc = 0;
  for (let i = s; i < s + n; i++) acc += d[i];
  return acc;
};

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
  if (p === 2) {
    return (d, s, n) => {
      let acc = 0;
      for (let i = s; i < s + n; i++) acc += d[i] * d[i];
      return Math.sqrt(acc);
    };
  }
  if (p === 1) {
    return (d, s, n) => {
      let acc = 0;
      for (let i = s; i < s + n; i++) acc += Math.abs(d[i]);
      return acc;
    };
  }
  if (p === Infinity || p === -Infinity) {
    const largest = p > 0;
    return (d, s, n) => {
      let m = largest ? 0 : Infinity;
      for (let i = s; i < s + n; i++) {
        const v = Math.abs(d[i]);
        if (v !== v) return NaN;
        if (largest ? v > m : v < m) m = v;
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
 * done column-wise without any transposed copy.
 */
export function sumLeading(data: Float32Array, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc[c] += data[base + c];
  }
  return Float32Array.from(acc);
}
