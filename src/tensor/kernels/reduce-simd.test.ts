/**
 * The SIMD reductions over a dim give the bits of the row reducers they stand in for (sumRow, and
 * mean's sumRow / n, maxRow, minRow through reduceRows and reduceLeading): data in the arena (plain
 * arrays stay with the loops), row and column counts with every remainder, NaN, infinities and
 * ties between +0 and -0 (the first one wins), and the ops that use them.
 */
import { describe, expect, it } from 'vitest';
import { allocLongLived, inArena } from './arena.js';
import { maxRow, minRow, reduceLeading, reduceRows, sumRow, type RowReducer } from './reduce.js';
import { simdColumns, simdRows, type SimdReduction } from './reduce-simd.js';
import { tensor } from '../creation.js';
import { amax, amin, mean, sum } from '../../ops/reduce.js';

/**
 * The bit patterns, NaN as one value: which NaN ∞ - ∞ leaves depends on the order the processor
 * is handed a commutative add's operands, in the JavaScript loops as much as in the kernels.
 */
const bits = (f: Float32Array) =>
  Array.from(new Int32Array(f.buffer, f.byteOffset, f.length), (b, i) =>
    Number.isNaN(f[i]) ? 'NaN' : b,
  );

let seed = 5;
/** Random values of mixed scale, with specials every `every` elements (0: none). */
function values(n: number, every: number): Float32Array {
  const out = new Float32Array(n);
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-45, -3.4e38];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const r = seed / 0x7fffffff - 0.5;
    out[i] =
      every > 0 && i % every === 0 ? specials[(i / every) % specials.length]! : r * 10 ** (i % 7);
  }
  return out;
}

function place(data: Float32Array, arena: boolean): Float32Array {
  if (!arena) return data;
  const block = allocLongLived(Math.max(data.length, 1 << 14), false).subarray(0, data.length);
  block.set(data);
  expect(inArena(block)).toBe(true);
  return block;
}

const reducerOf = (kind: SimdReduction, divisor: number): RowReducer =>
  kind === 'max' ? maxRow : kind === 'min' ? minRow : (d, s, n) => sumRow(d, s, n) / divisor;

const CASES: Array<[SimdReduction, number]> = [
  ['sum', 1],
  ['sum', 37],
  ['max', 1],
  ['min', 1],
];

describe('SIMD reductions over a dim', () => {
  it('rows (max, min): every row length remainder, in the arena and plain, with specials', () => {
    for (const [outer, inner] of [
      [300, 64],
      [129, 65],
      [97, 66],
      [71, 67],
      [4, 1000],
      [1, 4099],
      [3, 1030],
      [600, 7],
      [200, 31],
      [500, 16],
    ]) {
      for (const every of [0, 13, 1001]) {
        for (const arena of [true, false]) {
          const data = place(values(outer * inner, every), arena);
          for (const kind of ['max', 'min'] as const) {
            const got = simdRows(kind, reducerOf(kind, 1), data, outer, inner);
            if (got === undefined) {
              expect(inner < 16 || !arena).toBe(true);
              continue;
            }
            const want = reduceRows({ data, outer, inner, perm: [] }, reducerOf(kind, 1));
            expect(bits(got), `${kind} ${outer}x${inner} ${every} ${arena}`).toEqual(bits(want));
          }
        }
      }
    }
  });

  it('columns: every row and column remainder, in the arena and plain, with specials', () => {
    for (const [rows, cols] of [
      [64, 300],
      [65, 129],
      [66, 97],
      [67, 71],
      [1025, 8],
      [9, 1031],
      [3, 2000],
    ]) {
      for (const every of [0, 11, 999]) {
        for (const arena of [true, false]) {
          const data = place(values(rows * cols, every), arena);
          for (const [kind, divisor] of CASES) {
            const got = simdColumns(kind, reducerOf(kind, divisor), data, rows, cols, divisor);
            if (got === undefined) {
              expect((kind !== 'sum' && cols < 16) || !arena).toBe(true);
              continue;
            }
            const want = reduceLeading(data, rows, cols, reducerOf(kind, divisor));
            expect(bits(got!), `${kind} ${rows}x${cols} ${every} ${arena}`).toEqual(bits(want));
          }
        }
      }
    }
  });

  it('leave plain arrays to the loops', () => {
    const data = values(300 * 64, 0);
    expect(simdRows('max', maxRow, data, 300, 64)).toBeUndefined();
    expect(simdColumns('sum', sumRow, data, 300, 64)).toBeUndefined();
  });

  it("sums keep sumRow's accumulators and their pairing (cancellation shows any other order)", () => {
    // Element 4j + k goes to accumulator k after the head: 2^60, 1, -2^60, 1 sum to 0 as
    // (a0 + a1) + (a2 + a3) (each 1 lost beside 40·2^60), to 40 or more in a sequential order.
    const pattern = [2 ** 60, 1, -(2 ** 60), 1];
    for (const head of [0, 1, 2, 3]) {
      const len = 4 * 40 + head;
      const outer = 200;
      const data = new Float32Array(outer * len);
      for (let r = 0; r < outer; r++)
        for (let i = 0; i < len; i++) data[r * len + i] = i < head ? 3 : pattern[(i - head) & 3]!;
      for (const arena of [true]) {
        const d = place(data, arena);
        expect(reduceRows({ data: d, outer, inner: len, perm: [] }, sumRow)[0]).toBe(0);
        // The pattern down columns: the transposed layout.
        const t = new Float32Array(outer * len);
        for (let r = 0; r < len; r++)
          for (let c = 0; c < outer; c++) t[r * outer + c] = data[c * len + r]!;
        const td = place(t, arena);
        const colsWant = reduceLeading(td, len, outer, sumRow);
        expect(bits(simdColumns('sum', sumRow, td, len, outer)!)).toEqual(bits(colsWant));
      }
    }
  });

  it('ties between +0 and -0: the first in order wins, as in the loops', () => {
    // Rows whose maximum (minimum) is a zero of both signs in different lanes, in either order.
    const inner = 64;
    const rows = 512;
    const data = new Float32Array(rows * inner);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < inner; i++) data[r * inner + i] = r & 1 ? 1 + i : -1 - i;
      const [p, q] = [(r * 7) % inner, (r * 13 + 1) % inner];
      data[r * inner + p] = r & 2 ? -0 : 0;
      if (q !== p) data[r * inner + q] = r & 2 ? 0 : -0;
    }
    for (const arena of [true]) {
      const d = place(data, arena);
      for (const kind of ['max', 'min'] as const) {
        const reducer = kind === 'max' ? maxRow : minRow;
        const rowsWant = reduceRows({ data: d, outer: rows, inner, perm: [] }, reducer);
        expect(bits(simdRows(kind, reducer, d, rows, inner)!)).toEqual(bits(rowsWant));
        const colsWant = reduceLeading(d, rows, inner, reducer);
        expect(bits(simdColumns(kind, reducer, d, rows, inner)!)).toEqual(bits(colsWant));
      }
    }
  });

  it('sum, mean, amax and amin over a dim give the loops bits through the ops', () => {
    const x = tensor(values(256 * 300, 101), { shape: [256, 300] });
    const d = x._contiguousData();
    const reference = (kind: SimdReduction, dim: number, divisor: number) =>
      dim === 0
        ? reduceLeading(d, 256, 300, reducerOf(kind, divisor))
        : reduceRows({ data: d, outer: 256, inner: 300, perm: [] }, reducerOf(kind, divisor));
    for (const dim of [0, 1]) {
      const n = x.shape[dim]!;
      expect(bits(mean(x, dim)._contiguousData())).toEqual(bits(reference('sum', dim, n)));
      expect(bits(amax(x, dim)._contiguousData())).toEqual(bits(reference('max', dim, 1)));
      expect(bits(amin(x, dim)._contiguousData())).toEqual(bits(reference('min', dim, 1)));
    }
    expect(bits(sum(x, 1)._contiguousData())).toEqual(bits(reference('sum', 1, 1)));
  });
});
