/**
 * Shared plumbing for the math ops (unary, binary, scans, sorting): elementwise forwards over any
 * strides, the lane layout of one dim, and the scatter/gather pair that routes gradients of
 * value-selecting ops (sort, topk, cummax, median, …) back to the positions they came from.
 */
import { record } from '../autograd/node.js';
import { Tensor, describe, type TensorLike } from '../tensor/tensor.js';
import { checkInteger, normalizeDim, numelOf, type Shape } from '../tensor/shape.js';
import type { BinaryFn } from '../tensor/kernels/elementwise.js';
import { binaryForward, operand } from './elementwise.js';
import { checkOptions } from '../tensor/options.js';
import { valuesIndices, type ValuesIndices } from './reduce.js';
import { scatterAdd } from './scatter-gather.js';
import { allocForWrite } from '../tensor/kernels/arena.js';

/** A tensor of `shape` filled with `value`. */
export function filled(shape: Shape, value: number): Tensor {
  return Tensor._fromData(allocForWrite(numelOf(shape)).fill(value), shape);
}

/** Throws unless `x` is a Tensor; names the op and argument. */
export function checkTensor(x: unknown, op: string, arg = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${op}: ${arg} must be a Tensor, got ${describe(x)}`);
}

/** out = fn(a, b) with broadcasting (any strides). */
export function mapPairs(a: Tensor, b: Tensor, fn: BinaryFn, op: string): Tensor {
  return binaryForward(a, b, { fn }, op);
}

/** Both operands as tensors (at least one must be a Tensor, as in PyTorch's function forms). */
export function operands(
  a: TensorLike,
  b: TensorLike,
  op: string,
  names = ['input', 'other'],
): [Tensor, Tensor] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(
      `${op}: expected at least one Tensor argument, got ${describe(a)} and ${describe(b)}`,
    );
  }
  return [operand(a, op, names[0]), operand(b, op, names[1])];
}

/**
 * Records `values` as picked from `x` along `dim` at `indices`, so that their gradient goes back
 * to those positions (sort, topk, kthvalue, median, mode).
 *
 * @param x - The tensor the values were picked from.
 * @param values - The picked values.
 * @param indices - Their positions along `dim` (integers as float32), of `values`' shape.
 * @param dim - The normalised dim.
 * @param name - The grad_fn name (`'SortBackward0'`, …).
 * @returns `{ values, indices }`.
 */
export function selected(
  x: Tensor,
  values: Tensor,
  indices: Tensor,
  dim: number,
  name: string,
): ValuesIndices {
  const shape = x.shape;
  const out = record(values, name, [x], (g, [si]) => [scatterAlong(g, si!, dim, shape)], [indices]);
  return valuesIndices(out, indices);
}

/**
 * Row-major data of `x` seen as lanes along `dim`: element (p, l, q) sits at
 * `p * len * post + l * post + q`; lane (p, q) starts at `p * len * post + q` with stride `post`.
 */
export interface Lanes {
  readonly data: Float32Array;
  readonly pre: number;
  readonly len: number;
  readonly post: number;
  /** The normalised dim (0 for a 0-d tensor). */
  readonly dim: number;
}

/**
 * @internal The row-major elements of `x` as lanes along `dim` (see {@link Lanes}).
 *
 * @param x - The tensor read (any strides).
 * @param dim - The lane dim; negative values count from the end.
 * @param op - The public op, for messages.
 * @returns The data and the lane geometry.
 * @throws RangeError when `dim` is out of range.
 */
export function lanes(x: Tensor, dim: number, op: string): Lanes {
  const d = normalizeDim(dim, x.dim(), op);
  const shape = x.shape;
  if (shape.length === 0) return { data: x._contiguousData(), pre: 1, len: 1, post: 1, dim: 0 };
  return {
    data: x._contiguousData(),
    pre: numelOf(shape.slice(0, d)),
    len: shape[d],
    post: numelOf(shape.slice(d + 1)),
    dim: d,
  };
}

/** Copies lane (p, q) into a dense array. */
function readLane(l: Lanes, p: number, q: number, into: Float32Array): void {
  const base = p * l.len * l.post + q;
  for (let k = 0; k < l.len; k++) into[k] = l.data[base + k * l.post];
}

/**
 * Runs `select(laneValues, positions)` on every lane; it leaves the chosen positions in
 * `positions[0, count)`, which become the output's `count` entries along the dim.
 */
export function selectLanes(
  l: Lanes,
  count: number,
  select: (vals: Float32Array, positions: Int32Array) => void,
): { values: Float32Array; indices: Float32Array } {
  const values = allocForWrite(l.pre * count * l.post);
  const indices = allocForWrite(values.length);
  const vals = new Float32Array(l.len);
  const positions = new Int32Array(l.len);
  for (let p = 0; p < l.pre; p++)
    for (let q = 0; q < l.post; q++) {
      readLane(l, p, q, vals);
      for (let k = 0; k < l.len; k++) positions[k] = k;
      select(vals, positions);
      for (let j = 0; j < count; j++) {
        const o = (p * count + j) * l.post + q;
        values[o] = vals[positions[j]];
        indices[o] = positions[j];
      }
    }
  return { values, indices };
}

/** Checks that `dim` is an integer (a TypeError naming the op otherwise). */
export function checkDim(dim: unknown, op: string): asserts dim is number {
  checkInteger(dim, op);
}

/** `t` viewed with a size-1 axis at `dim` unless it already has `rank` dims. */
function withAxis(t: Tensor, dim: number, rank: number): Tensor {
  return t.dim() < rank ? t.unsqueeze(dim) : t;
}

/**
 * A zero tensor of `shape` with `g` added at the positions `indices` name along `dim` (indices
 * and g share a shape that matches `shape` except along `dim`, which they may lack): scatterAdd,
 * whose gradient is the gather of the incoming gradient at the same positions.
 */
function scatterAlong(g: Tensor, indices: Tensor, dim: number, shape: Shape): Tensor {
  const rank = shape.length;
  return scatterAdd(filled(shape, 0), dim, withAxis(indices, dim, rank), withAxis(g, dim, rank));
}

/** Options of `isclose` and `allclose`. */
export interface IscloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Count NaN as equal to NaN (default false). */
  equalNan?: boolean;
}

/**
 * isclose's comparison, shared with allclose (which PyTorch defines as `isclose(...).all()`).
 * @param op - The public function's name, for messages.
 * @param a - A tensor (or a number when `b` is a tensor).
 * @param b - The reference values.
 * @param options - `{ rtol = 1e-5, atol = 1e-8, equalNan = false }`.
 * @returns A 0/1 float tensor of the broadcast shape.
 * @throws TypeError for a bad option; RangeError for a negative tolerance or shapes that do not
 *   broadcast.
 */
export function closeMask(
  op: string,
  a: Tensor | number,
  b: Tensor | number,
  options?: IscloseOptions,
): Tensor {
  const o = checkOptions<IscloseOptions>(op, options, {
    rtol: 'number',
    atol: 'number',
    equalNan: 'boolean',
  });
  const rtol = o.rtol ?? 1e-5;
  const atol = o.atol ?? 1e-8;
  if (rtol < 0)
    throw new RangeError(`${op}: rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0)
    throw new RangeError(`${op}: atol must be greater than or equal to zero, but got ${atol}`);
  const equalNan = o.equalNan ?? false;
  const [x, y] = operands(a, b, op);
  const f = Math.fround;
  const r = f(rtol);
  const t = f(atol);
  return mapPairs(
    x,
    y,
    (p, q) => {
      if (p === q) return 1;
      if (equalNan && p !== p && q !== q) return 1;
      if (rtol === 0 && atol === 0) return 0;
      const allowed = f(t + Math.abs(f(r * q)));
      const actual = Math.abs(f(p - q));
      return Number.isFinite(actual) && actual <= allowed ? 1 : 0;
    },
    op,
  );
}
