/** The reduction kernels' fast loops give the bits of the plain sequential loops they replace. */
import { describe, expect, it } from 'vitest';
import {
  maxRow,
  minRow,
  normRow,
  prodRow,
  reduceLeading,
  reduceRows,
  rowLayout,
  sumLeading,
  sumRow,
  type RowReducer,
} from './reduce.js';
import { contiguousStrides } from '../shape.js';

/** The column sums as one float64 accumulator per column, rows added in order. */
function sequentialColumnSums(data: Float32Array, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) acc[c] += data[r * cols + c];
  return Float32Array.from(acc);
}

const bits = (f: Float32Array) => Array.from(new Int32Array(f.buffer));

describe('sumLeading', () => {
  it('equals the sequential column sums bit for bit, any row count, with specials', () => {
    let s = 7;
    for (const [rows, cols] of [
      [0, 3],
      [1, 5],
      [2, 1],
      [3, 7],
      [4, 4],
      [5, 3],
      [7, 9],
      [33, 17],
      [1024, 6],
    ]) {
      const data = new Float32Array(rows * cols);
      for (let i = 0; i < data.length; i++) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        data[i] = (s / 0x7fffffff - 0.5) * 10 ** ((s % 13) - 6);
      }
      if (data.length > 8) [data[3], data[5], data[8]] = [3e38, 3e38, -0];
      expect(bits(sumLeading(data, rows, cols))).toEqual(
        bits(sequentialColumnSums(data, rows, cols)),
      );
    }
    const inf = Float32Array.of(Infinity, NaN, 1, -Infinity, 2, 3, 4, 5, 6, 7);
    expect(bits(sumLeading(inf, 5, 2))).toEqual(bits(sequentialColumnSums(inf, 5, 2)));
  });
});

describe('reduceLeading', () => {
  const reducers: [string, RowReducer][] = [
    ['sum', sumRow],
    ['mean', (d, s, n) => sumRow(d, s, n) / n],
    ['prod', prodRow],
    ['max', maxRow],
    ['min', minRow],
    ['norm 2', normRow(2)],
    ['norm inf', normRow(Infinity)],
  ];
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-45];
  // Shapes [rows, cols]: blocks of many columns, one column per block (rows beyond the block), odd.
  const shapes: [number, number][] = [
    [1024, 300],
    [3, 7],
    [70000, 3],
    [5, 1],
    [1, 9],
  ];
  it.each(reducers)('%s gives the bits of the transposed-copy path', (_name, reducer) => {
    let seed = 5;
    for (const [rows, cols] of shapes) {
      const data = new Float32Array(rows * cols);
      for (let i = 0; i < data.length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        data[i] = i % 101 < specials.length ? specials[i % 101]! : (seed / 0x7fffffff - 0.5) * 4;
      }
      const view = {
        buffer: data,
        shape: [rows, cols],
        strides: contiguousStrides([rows, cols]),
        offset: 0,
      };
      const want = reduceRows(rowLayout(view, [0]), reducer);
      expect(bits(reduceLeading(data, rows, cols, reducer))).toEqual(bits(want));
    }
  });
});
