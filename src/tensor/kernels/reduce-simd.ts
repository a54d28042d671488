/**
 * Sums, means, maxima and minima over a dim on the arena's SIMD kernels (stream.wat; the maxima's
 * source is scripts/wasm/reductions.mjs), with the bits of the row reducers of reduce.ts: sums in
 * sumRow's order of four float64 accumulators, extremes as maxRow/minRow's first-wins loop with
 * NaN winning. They run on data in the arena, where it lies. The row reducer itself (`reducer`,
 * which gives the same bits) does what the kernels leave: the last rows or columns, a row whose
 * lanes tie +0 with -0. Each function returns undefined where it cannot run (data outside the
 * arena, a run too short to pay for the call, too many columns for the scratch), and the caller's
 * loop does the work.
 */
import type { RowReducer } from './reduce.js';
import { ARENA_SCRATCH_HALF, arenaKernelsFor, arenaScratch64 } from './arena.js';

/** sum (also mean, with a divisor), max or min. */
export type SimdReduction = 'sum' | 'max' | 'min';

/** The scratch's second half, where the kernels leave their results: float64s and float32s. */
const results = (): [Float64Array, Float32Array] => {
  const s = arenaScratch64()!.subarray(ARENA_SCRATCH_HALF / 8);
  return [s, new Float32Array(s.buffer, s.byteOffset, s.length * 2)];
};

/** The kernels' flip: a minimum runs as the maximum of the negated values. */
const flipOf = (kind: SimdReduction): number => (kind === 'min' ? 1 << 31 : 0);

/**
 * The max (min) of each of the `outer` rows of `inner` consecutive elements of `data`, as float32s,
 * as `reducer` (maxRow, minRow) gives them. (A row's sum already runs SIMD in sumRow.)
 */
export function simdRows(
  kind: 'max' | 'min',
  reducer: RowReducer,
  data: Float32Array,
  outer: number,
  inner: number,
): Float32Array | undefined {
  const kernels = arenaKernelsFor(outer * inner, data);
  if (!kernels || inner < 16) return;
  const per = ARENA_SCRATCH_HALF >> 6;
  const out = new Float32Array(outer);
  // Each row is one strip: its elements 16 at a time down 16 lanes folded into 4 (each keeps the
  // first of its equal values), the tail after them. The reducer over the lanes then the tail
  // gives the row's result, NaN included, except where two equal values differ in bits: +0 and
  // -0, so a zero result scans the row itself.
  const count = inner & ~15;
  const row = new Float32Array(4 + inner - count);
  for (let first = 0; first < outer; first += per) {
    const rows = Math.min(per, outer - first);
    const at = data.byteOffset + 4 * first * inner;
    kernels.extremeStrips(at, count >> 4, 16, rows, 4 * inner, ARENA_SCRATCH_HALF, flipOf(kind), 1);
    const lanes = results()[1];
    for (let r = 0; r < rows; r++) {
      const s = (first + r) * inner;
      for (let k = 0; k < 4; k++) row[k] = lanes[16 * r + k]!;
      for (let i = count; i < inner; i++) row[4 + i - count] = data[s + i]!;
      const m = reducer(row, 0, row.length);
      out[first + r] = m === 0 ? reducer(data, s, inner) : m;
    }
  }
  return out;
}

/**
 * `kind` down each column of `data` seen as `rows` x `cols` row-major (a reduction over the
 * leading dims of contiguous memory), as float32s, without a transposed copy, as `reducer` gives
 * them on each column (`sumRow(…) / divisor`, maxRow, minRow); a sum is divided by
 * `divisor` (a mean's: 1 keeps a sum's bits) for the sums the kernel leaves.
 */
export function simdColumns(
  kind: SimdReduction,
  reducer: RowReducer,
  data: Float32Array,
  rows: number,
  cols: number,
  divisor = 1,
): Float32Array | undefined {
  const kernels = arenaKernelsFor(rows * cols, data);
  const sum = kind === 'sum';
  // Sums run over pairs of columns, extremes over strips of 16; each column's state lives in the
  // scratch's second half: sumRow's four float64 accumulators, or one float32.
  const width = cols & (sum ? ~1 : ~15);
  if (!kernels || !width || (sum ? 32 : 4) * width > ARENA_SCRATCH_HALF) return;
  if (sum) results()[0].fill(0, 0, 4 * width);
  const at = data.byteOffset;
  if (!sum)
    kernels.extremeStrips(at, rows, cols, width >> 4, 64, ARENA_SCRATCH_HALF, flipOf(kind), 0);
  else {
    // Accumulator k is a plain column sum (sumRows' order) of every fourth row after the first
    // rows % 4, which go into a0 first.
    const head = rows & 3;
    kernels.sumRows(at, head, cols, width, ARENA_SCRATCH_HALF);
    for (let k = 0; k < 4; k++) {
      const acc = ARENA_SCRATCH_HALF + 8 * k * width;
      kernels.sumRows(at + 4 * (head + k) * cols, (rows - head) >> 2, 4 * cols, width, acc);
    }
  }
  const out = new Float32Array(cols);
  const [a, v] = results();
  for (let c = 0; c < width; c++)
    out[c] = sum
      ? (a[c]! + a[width + c]! + (a[2 * width + c]! + a[3 * width + c]!)) / divisor
      : v[c]!;
  const column = new Float32Array(rows);
  for (let c = width; c < cols; c++) {
    for (let r = 0; r < rows; r++) column[r] = data[r * cols + c]!;
    out[c] = reducer(column, 0, rows);
  }
  return out;
}
