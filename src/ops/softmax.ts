/**
 * softmax and logSoftmax along one dim: one numerically stable pass per row (max, exp-sum,
 * normalise) and a fused backward. Both run on the WebAssembly SIMD kernels (vectorised exp,
 * kernels/softmax-simd.ts) where the platform has them, else on the JavaScript loops below.
 * Under `createGraph` the backward is written with differentiable ops instead, so second
 * derivatives flow.
 */
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Tensor, assertTensor } from '../tensor/tensor.js';
import { normalizeDim, numelOf } from '../tensor/shape.js';
import { softmaxBackwardSimd, softmaxSimd } from '../tensor/kernels/softmax-simd.js';
import { exp, mul, sub } from './elementwise.js';
import { sum } from './reduce.js';
import { allocForWrite } from '../tensor/kernels/arena.js';

/** The `dim` argument of softmax-like functions: a number, or `{ dim }`. */
export type SoftmaxDim =
  | number
  | {
      /** The dim to normalise over. */
      dim: number;
    };

/** Reads `dim` (positional or `{ dim }`) and wraps it into `[0, ndim)`. */
export function softmaxDim(op: string, x: Tensor, dim: unknown): number {
  const d =
    typeof dim === 'object' && dim !== null && !Array.isArray(dim)
      ? (dim as { dim?: unknown }).dim
      : dim;
  // normalizeDim rejects a dim that is not an integer (`${op}: dim must be an integer, got …`).
  return normalizeDim(d as number, x.dim(), op);
}

/** [outer, size, inner] of `shape` around `dim` (0-d tensors are one row of one element). */
function rowLayout(shape: readonly number[], dim: number): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  return [numelOf(shape.slice(0, dim)), shape[dim], numelOf(shape.slice(dim + 1))];
}

/** Row maxima (NaN when the row holds a NaN) of rows laid out as [outer, size, inner]. */
function rowMax(
  src: Float32Array,
  base: number,
  size: number,
  inner: number,
  max: Float64Array,
): void {
  max.fill(-Infinity);
  for (let k = 0; k < size; k++) {
    const p = base + k * inner;
    for (let j = 0; j < inner; j++) {
      const v = src[p + j];
      const m = max[j];
      // NaN sticks: comparisons with NaN are false, so it is propagated explicitly.
      if (v > m || v !== v) max[j] = v;
      else if (m !== m) max[j] = m;
    }
  }
}

/**
 * The forward kernel: WebAssembly SIMD, else the loops below. Rows run along `dim`; each pass
 * sweeps the inner dim contiguously (all rows of a block at once) so memory is read in order.
 */
function softmaxKernel(
  src: Float32Array,
  shape: readonly number[],
  dim: number,
  log: boolean,
): Float32Array {
  const [outer, size, inner] = rowLayout(shape, dim);
  const simd = softmaxSimd(src, outer, size, inner, log);
  if (simd !== null) return simd;
  const out = allocForWrite(src.length);
  const max = new Float64Array(inner);
  const total = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    rowMax(src, base, size, inner, max);
    total.fill(0);
    for (let k = 0; k < size; k++) {
      const p = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const e = Math.exp(src[p + j] - max[j]);
        if (!log) out[p + j] = e;
        total[j] += log ? e : Math.fround(e);
      }
    }
    if (log) {
      for (let j = 0; j < inner; j++) total[j] = max[j] + Math.log(total[j]);
      for (let k = 0; k < size; k++) {
        const p = base + k * inner;
        for (let j = 0; j < inner; j++) out[p + j] = src[p + j] - total[j];
      }
    } else {
      for (let j = 0; j < inner; j++) total[j] = 1 / total[j];
      for (let k = 0; k < size; k++) {
        const p = base + k * inner;
        for (let j = 0; j < inner; j++) out[p + j] *= total[j];
      }
    }
  }
  return out;
}

/**
 * Fused backward over rows: softmax gives y·(g − Σ g·y), logSoftmax gives g − exp(y)·Σ g.
 */
function softmaxBackwardKernel(
  g: Float32Array,
  y: Float32Array,
  shape: readonly number[],
  dim: number,
  log: boolean,
): Float32Array {
  const [outer, size, inner] = rowLayout(shape, dim);
  const simd = softmaxBackwardSimd(g, y, outer, size, inner, log);
  if (simd !== null) return simd;
  const out = allocForWrite(y.length);
  const dot = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    dot.fill(0);
    for (let k = 0; k < size; k++) {
      const p = base + k * inner;
      if (log) for (let j = 0; j < inner; j++) dot[j] += g[p + j];
      else for (let j = 0; j < inner; j++) dot[j] += g[p + j] * y[p + j];
    }
    for (let k = 0; k < size; k++) {
      const p = base + k * inner;
      if (log) for (let j = 0; j < inner; j++) out[p + j] = g[p + j] - Math.exp(y[p + j]) * dot[j];
      else for (let j = 0; j < inner; j++) out[p + j] = y[p + j] * (g[p + j] - dot[j]);
    }
  }
  return out;
}

function softmaxLike(x: Tensor, dim: number, log: boolean): Tensor {
  const out = Tensor._fromData(softmaxKernel(x._contiguousData(), x.shape, dim, log), x.shape);
  const name = log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0';
  return record(
    out,
    name,
    [x],
    (g, [y]) => {
      const saved = y!;
      if (isGradEnabled()) {
        // Recording the backward (createGraph): the same formula with differentiable ops.
        const keep = saved.dim() > 0;
        const d = keep ? dim : undefined;
        if (log) return [sub(g, mul(exp(saved), sum(g, d, keep)))];
        return [mul(saved, sub(g, sum(mul(g, saved), d, keep)))];
      }
      const data = softmaxBackwardKernel(
        g._contiguousData(),
        saved._contiguousData(),
        saved.shape,
        dim,
        log,
      );
      return [Tensor._fromData(data, saved.shape)];
    },
    [out],
  );
}

/**
 * Softmax along `dim`: `exp(x − max) / Σ exp(x − max)` per row, stable for large inputs.
 *
 * @param input - Any tensor (0-d included).
 * @param dim - The dim to normalise over (negative counts from the end), or `{ dim }`.
 * @returns A tensor of `input`'s shape whose rows along `dim` sum to 1.
 * @throws RangeError when `dim` is out of range; TypeError when it is not an integer.
 * @example
 * softmax(tensor([1, 2, 3]), 0); // tensor([0.0900, 0.2447, 0.6652])
 */
export function softmax(input: Tensor, dim: SoftmaxDim): Tensor {
  assertTensor(input, 'softmax', 'input to be a Tensor');
  return softmaxLike(input, softmaxDim('softmax', input, dim), false);
}

/**
 * Log-softmax along `dim`: `x − max − log Σ exp(x − max)` per row, stable for large inputs.
 *
 * @param input - Any tensor (0-d included).
 * @param dim - The dim to normalise over (negative counts from the end), or `{ dim }`.
 * @returns A tensor of `input`'s shape holding log-probabilities.
 * @throws RangeError when `dim` is out of range; TypeError when it is not an integer.
 * @example
 * logSoftmax(tensor([[1, 2]]), 1); // tensor([[-1.3133, -0.3133]])
 */
export function logSoftmax(input: Tensor, dim: SoftmaxDim): Tensor {
  assertTensor(input, 'logSoftmax', 'input to be a Tensor');
  return softmaxLike(input, softmaxDim('logSoftmax', input, dim), true);
}
